"""Demo organizations, users and teams for `manage.py seed_demo`. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import translation

from organizations.models import Membership, Organization, Team, User

DEMO_PASSWORD = "saksflyt-demo"


@dataclass
class DemoOrg:
    org: Organization
    admin: User
    caseworker: User
    supplier: User
    colleague: User
    teams: dict[str, Team] = field(default_factory=dict)


ORGS = [
    {
        "slug": "nordbygg",
        "name": "Nordbygg Boligutvikling AS",
        "language": "nb",
        "time_zone": "Europe/Oslo",
        "color": "#1f5f8b",
        "domain": "nordbygg.example",
        "people": {
            "admin": ("admin", "Kari Nordmann"),
            "caseworker": ("saksbehandler", "Ola Hansen"),
            "colleague": ("lotte", "Lotte Berg"),
            "supplier": ("leverandor", "Per Rørlegger"),
        },
        "teams": ["Reklamasjon", "Kundeservice"],
    },
    {
        "slug": "renova",
        "name": "Renova Affald A/S",
        "language": "da",
        "time_zone": "Europe/Copenhagen",
        "color": "#2e7d32",
        "domain": "renova.example",
        "people": {
            "admin": ("admin", "Mette Jensen"),
            "caseworker": ("sagsbehandler", "Søren Nielsen"),
            "colleague": ("anne", "Anne Larsen"),
            "supplier": ("leverandor", "Jens Vognmand"),
        },
        "teams": ["Kundeservice", "Drift"],
    },
    {
        "slug": "hyresbo",
        "name": "Hyresbostäder i Norden AB",
        "language": "sv",
        "time_zone": "Europe/Stockholm",
        "color": "#6a1b9a",
        "domain": "hyresbo.example",
        "people": {
            "admin": ("admin", "Anna Svensson"),
            "caseworker": ("handlaggare", "Erik Johansson"),
            "colleague": ("lotta", "Lotta Lindqvist"),
            "supplier": ("leverantor", "Fastighetsservice Nils"),
        },
        "teams": ["Felanmälan", "Förvaltning"],
    },
]

ROLE_FOR = {
    "admin": Membership.Role.ADMIN,
    "caseworker": Membership.Role.CASEWORKER,
    "colleague": Membership.Role.CASEWORKER,
    "supplier": Membership.Role.SUPPLIER,
}

MULTI_ORG_EMAIL = "demo@saksflyt.example"


def _user(email: str, full_name: str, language: str = "") -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "language": language}
    )
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed(context: dict) -> None:
    demo_orgs: dict[str, DemoOrg] = {}
    roaming = _user(MULTI_ORG_EMAIL, "Demo Demosen")
    for spec in ORGS:
        org, _ = Organization.objects.update_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "default_language": spec["language"],
                "time_zone": spec["time_zone"],
                "brand_color": spec["color"],
                "email_signature": f"{spec['name']}\nwww.{spec['domain']}",
            },
        )
        users = {}
        for key, (local, full_name) in spec["people"].items():
            user = _user(f"{local}@{spec['domain']}", full_name)
            Membership.objects.get_or_create(
                organization=org, user=user, defaults={"role": ROLE_FOR[key]}
            )
            users[key] = user
        Membership.objects.get_or_create(
            organization=org, user=roaming, defaults={"role": Membership.Role.CASEWORKER}
        )
        demo = DemoOrg(org=org, **users)
        for i, name in enumerate(spec["teams"]):
            team, _ = Team.objects.get_or_create(organization=org, name=name)
            team.members.add(
                users["caseworker"] if i == 0 else users["colleague"],
                users["admin"],
                through_defaults={"organization": org},
            )
            demo.teams[name] = team
        demo_orgs[spec["slug"]] = demo
    context["orgs"] = demo_orgs


def logins() -> list[tuple[str, str, str]]:
    """(organization, role, e-mail) for the README and `make run`: each role named in its
    organization's language (issue 14), the user of all three in English like the row."""
    rows = []
    for spec in ORGS:
        with translation.override(spec["language"]):
            for key, (local, _name) in spec["people"].items():
                if key == "colleague":
                    continue
                role = str(ROLE_FOR[key].label)
                rows.append((spec["name"], role, f"{local}@{spec['domain']}"))
    with translation.override("en"):
        rows.append(("(all three)", str(Membership.Role.CASEWORKER.label), MULTI_ORG_EMAIL))
    return rows
