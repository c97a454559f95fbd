"""Demo data of the notifications app: each demo organization's receiving address (the Reply-To
of its e-mail, so `manage.py ingest_email` and replies have somewhere to land) and a few saved
replies in the organization's language."""

from __future__ import annotations

from notifications.models import ReceivingAddress, SavedReply

SAVED_REPLIES = {
    "nb": [
        (
            "Takk for henvendelsen",
            "Takk for henvendelsen. Vi har registrert saken og kommer tilbake til deg så snart "
            "vi kan.",
        ),
        (
            "Håndverker er bestilt",
            "Vi har bestilt håndverker. Du blir kontaktet for å avtale tidspunkt.",
        ),
        ("Saken er løst", "Saken er nå løst. Gi beskjed dersom noe fortsatt ikke er i orden."),
    ],
    "da": [
        (
            "Tak for din henvendelse",
            "Tak for din henvendelse. Vi har registreret sagen og vender tilbage hurtigst muligt.",
        ),
        ("Tømning er bestilt", "Vi har bestilt en ekstra tømning. Beholderen tømmes snarest."),
        ("Sagen er løst", "Sagen er nu løst. Giv besked, hvis noget stadig ikke er i orden."),
    ],
    "sv": [
        (
            "Tack för ditt ärende",
            "Tack för ditt ärende. Vi har registrerat det och återkommer så snart vi kan.",
        ),
        ("Tekniker är bokad", "Vi har bokat en tekniker som kontaktar dig för att boka tid."),
        ("Ärendet är löst", "Ärendet är nu löst. Hör av dig om något fortfarande inte fungerar."),
    ],
}


def seed(context: dict) -> None:
    for slug, demo in context["orgs"].items():
        org = demo.org
        ReceivingAddress.objects.get_or_create(
            address=f"post@{slug}.saksflyt.localhost",
            defaults={"organization": org, "is_primary": True},
        )
        for title, body in SAVED_REPLIES.get(org.default_language, SAVED_REPLIES["nb"]):
            SavedReply.objects.get_or_create(organization=org, title=title, defaults={"body": body})
