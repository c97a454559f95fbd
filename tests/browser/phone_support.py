"""What the phone-layout and accessibility browser tests share: a realistic, wordy inbox and
tray, the viewport sizes, and the page-wide horizontal scroll check."""

from __future__ import annotations

from cases.models import Note, Task
from inquiries.models import Channel
from inquiries.services.intake import inquiry_receive
from tests.factories.cases import make_case
from tests.factories.customers import CustomerFactory
from tests.factories.organizations import TeamFactory

# A phone (the narrowest common width) and 1280 x 1024 at 400 % zoom (WCAG 1.4.10 reflow).
PHONE = {"width": 360, "height": 740}
ZOOM_400 = {"width": 320, "height": 256}
DESKTOP = {"width": 1280, "height": 800}

LONG_TITLE = "Vannlekkasje fra taket over trappeoppgangen i blokk C etter stormen i natt"
LONG_NAME = "Borettslaget Nordre Sjøsiden Terrasse avdeling to (Sameiet)"


def fill_inbox(tenant, colleague) -> list:
    """Cases that reach the caseworker every way, with long titles and names."""
    org, me = tenant.org, tenant.caseworker
    customer = CustomerFactory(
        organization=org, name=LONG_NAME, email="styret.nordre.sjosiden@example.net"
    )
    team = TeamFactory(organization=org, name="Reklamasjon")
    team.members.add(me)
    cases = [
        make_case(org, colleague, title=LONG_TITLE, assignee=me, customer=customer),
        make_case(org, me, title="Dør som ikke lukker", priority="high", customer=customer),
        make_case(org, colleague, title="Team case, nobody yet", teams=[team]),
        make_case(org, colleague, title="Mentioned", assignee=colleague),
        make_case(org, colleague, title="A task", assignee=colleague),
    ]
    note = Note.objects.create(organization=org, case=cases[3], author=colleague, body="@me")
    note.mentions.add(me)
    Task.objects.create(organization=org, case=cases[4], title="Look", assignee=me)
    return cases


def fill_tray(tenant, count: int = 4) -> list:
    return [
        inquiry_receive(
            org=tenant.org,
            channel=Channel.WEB_FORM,
            sender_name=LONG_NAME,
            sender_email=f"beboer.nummer.{n}@eksempel-borettslag.example.net",
            subject=f"{LONG_TITLE} ({n})",
            message="Det drypper fra taket i andre etasje.",
        )
        for n in range(count)
    ]


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def right_edge_inside(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.evaluate("window.innerWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
