"""Demo inquiries waiting in each organization's tray, for `manage.py seed_demo`.

Idempotent: each demo inquiry carries its key in `raw_payload["demo"]` and is made only once.
They go through the real intake service, so properties are matched as in production.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from inquiries.models import Channel, Inquiry
from inquiries.services.intake import inquiry_receive

# key, channel, hours ago, sender name, e-mail, phone, subject, message, property number,
# address, location, category hint
INQUIRIES = {
    "nordbygg": [
        (
            "nb-1",
            Channel.PORTAL,
            3,
            "Ingrid Solberg",
            "ingrid.solberg@epost.example",
            "+47 912 34 501",
            "Sprekk i flisene på badet",
            "Det har kommet en sprekk i flisene bak dusjen. Den blir større for hver uke.",
            "ST-A-H0101",
            "",
            "Bad, 1. etasje",
            "reklamasjon",
        ),
        (
            "nb-2",
            Channel.WEB_FORM,
            20,
            "Emil Andersen",
            "emil.andersen@epost.example",
            "+47 408 61 992",
            "Balkongdøren lukker ikke",
            "Balkongdøren går ikke helt igjen, og det trekker kaldt inn om kvelden.",
            "",
            "Solsidevegen 4B, H0101",
            "Stue",
            "",
        ),
        (
            "nb-3",
            Channel.EMAIL,
            28,
            "Kjersti Ødegård",
            "kjersti.odegard@epost.example",
            "",
            "Spørsmål om bod",
            "Hei! Følger det med sportsbod til leiligheten, og hvor stor er den?",
            "",
            "",
            "",
            "spørsmål",
        ),
        (
            "nb-4",
            Channel.API,
            50,
            "Nora Bakken",
            "nora.bakken@epost.example",
            "+47 913 22 118",
            "Vann i sluket renner sakte",
            "Sluket på vaskerommet renner veldig sakte, og det lukter kloakk.",
            "ST-A-H0102",
            "",
            "Vaskerom",
            "",
        ),
        (
            "nb-5",
            Channel.PHONE,
            70,
            "Per Olsen",
            "",
            "+47 901 23 456",
            "Manglende lister i gangen",
            "Ringte inn: gulvlistene i gangen ble aldri montert etter overtakelsen.",
            "",
            "Solsidevegen 4B, H0202",
            "Gang",
            "",
        ),
    ],
    "renova": [
        (
            "da-1",
            Channel.PORTAL,
            2,
            "Lars Pedersen",
            "lars.pedersen@mail.example",
            "+45 21 43 65 87",
            "Madaffald ikke tømt",
            "Vores madaffaldsbeholder blev ikke tømt i torsdags. Kan I komme forbi?",
            "751-000123",
            "",
            "Indkørslen",
            "",
        ),
        (
            "da-2",
            Channel.WEB_FORM,
            26,
            "Birgitte Møller",
            "birgitte.moller@mail.example",
            "",
            "Ødelagt låg på beholder",
            "Låget på restaffaldsbeholderen er knækket efter tømningen.",
            "",
            "Rosenhaven 5",
            "Fælles skur",
            "fejlmelding",
        ),
        (
            "da-3",
            Channel.EMAIL,
            40,
            "Ole Jakobsen",
            "ole.jakobsen@mail.example",
            "+45 22 33 44 55",
            "Ny beholder til plast",
            "Vi er flyttet ind på Egevænget 8 og vil gerne bestille en plastbeholder.",
            "",
            "Egevænget 8",
            "",
            "bestilling",
        ),
        (
            "da-4",
            Channel.API,
            60,
            "Karen Holm",
            "administration@sondergaarden.example",
            "+45 86 12 34 56",
            "Ekstra tømning før sommerfest",
            "Kan vi få en ekstra tømning af containerne i gården fredag den 20.?",
            "751-000789",
            "",
            "Gården",
            "",
        ),
    ],
    "hyresbo": [
        (
            "sv-1",
            Channel.PORTAL,
            5,
            "Elsa Nilsson",
            "elsa.nilsson@post.example",
            "+46 70 123 45 01",
            "Kylskåpet fungerar inte",
            "Kylskåpet har slutat kyla sedan i går kväll. Maten blir varm.",
            "FN-1014-1101",
            "",
            "Kök",
            "felanmälan",
        ),
        (
            "sv-2",
            Channel.EMAIL,
            22,
            "Lucas Ek",
            "lucas.ek@post.example",
            "",
            "Dålig värme i vardagsrummet",
            "Elementet i vardagsrummet blir bara ljummet trots att termostaten står på max.",
            "",
            "Kungsgatan 52, lgh 1101",
            "Vardagsrum",
            "",
        ),
        (
            "sv-3",
            Channel.WEB_FORM,
            30,
            "Sara Lund",
            "info@saxen.example",
            "+46 90 12 34 56",
            "Trasig belysning vid entrén",
            "Lampan vid entrén till lokalen har gått sönder, det är mörkt på kvällarna.",
            "FN-1052-1001",
            "",
            "Entré",
            "",
        ),
        (
            "sv-4",
            Channel.PHONE,
            55,
            "Gunnar Ström",
            "",
            "+46 70 555 12 12",
            "Störande ljud från ventilationen",
            "Ringde in: det brummar från ventilationen i trapphuset hela nätterna.",
            "",
            "Storgatan 14",
            "Trapphus",
            "",
        ),
    ],
}


def seed(context: dict) -> None:
    now = timezone.now()
    for slug, demo in context["orgs"].items():
        org = demo.org
        existing = set(
            Inquiry.objects.filter(organization=org, raw_payload__has_key="demo").values_list(
                "raw_payload__demo", flat=True
            )
        )
        for row in INQUIRIES.get(slug, []):
            key, channel, hours, name, email, phone, subject, message, number, address = row[:10]
            location, category = row[10], row[11]
            if key in existing:
                continue
            inquiry = inquiry_receive(
                org=org,
                channel=channel,
                sender_name=name,
                sender_email=email,
                sender_phone=phone,
                subject=subject,
                message=message,
                property_number=number,
                address=address,
                location=location,
                category=category,
                raw_payload={"demo": key},
                actor=demo.caseworker if channel == Channel.PHONE else None,
            )
            Inquiry.objects.filter(pk=inquiry.pk).update(
                created_at=now - datetime.timedelta(hours=hours)
            )
