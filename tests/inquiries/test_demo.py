"""The demo inquiries: several channels per organization, in its language, made once."""

from __future__ import annotations

from inquiries import demo as inquiries_demo
from inquiries.models import Inquiry
from organizations import demo as organizations_demo


def test_demo_inquiries_wait_in_every_tray_and_are_made_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for _ in range(2):
        context: dict = {}
        organizations_demo.seed(context)
        inquiries_demo.seed(context)
    for slug, demo in context["orgs"].items():
        inquiries = Inquiry.objects.filter(organization=demo.org)
        assert inquiries.count() == len(inquiries_demo.INQUIRIES[slug])
        assert set(inquiries.values_list("status", flat=True)) == {"new"}
        assert inquiries.values("channel").distinct().count() >= 4
    assert Inquiry.objects.filter(subject="Sprekk i flisene på badet").exists()
