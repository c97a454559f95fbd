"""Demo inquiry forms for `manage.py seed_demo`: each organization gets its "General inquiry"
and one form of its own trade, in its own language. Idempotent (found by name)."""

from __future__ import annotations

from django.utils import translation

from cases.models import Category
from portal.inquiry.services import inquiry_form_create_general, inquiry_form_save
from portal.inquiry_forms import default_fields
from portal.models import InquiryForm

# org slug -> (name, introduction, category key, {field: mode}, photo required)
FORMS = {
    "nordbygg": (
        "Reklamasjon på boligen",
        "Meld fra om feil eller mangler i boligen etter overtakelsen. Legg ved bilder.",
        "warranty_claim",
        {"property": "required", "location": "required", "access": "optional"},
        True,
    ),
    "renova": (
        "Beholder ikke tømt",
        "Fortæl os hvilken beholder der ikke blev tømt, og hvor den står.",
        "fault_report",
        {"property": "required", "location": "optional", "attachments": "optional"},
        False,
    ),
    "hyresbo": (
        "Felanmälan i lägenheten",
        "Beskriv felet och var i lägenheten det finns. Berätta om vi får gå in med huvudnyckel.",
        "fault_report",
        {"property": "required", "location": "required", "access": "required"},
        False,
    ),
}


def seed(context: dict) -> None:
    for slug, demo in context["orgs"].items():
        org = demo.org
        with translation.override(org.default_language):
            inquiry_form_create_general(org=org, actor=demo.admin)
        spec = FORMS.get(slug)
        if spec is None:
            continue
        name, intro, category_key, modes, photo_required = spec
        if InquiryForm.objects.filter(organization=org, name=name).exists():
            continue
        fields = default_fields()
        for field, mode in modes.items():
            fields[field]["mode"] = mode
        inquiry_form_save(
            org=org,
            actor=demo.admin,
            name=name,
            intro=intro,
            category=Category.objects.filter(organization=org, key=category_key).first(),
            fields=fields,
            photo_required=photo_required,
        )
