"""Demo properties, containers, agreements and contact roles for `manage.py seed_demo`.

Idempotent (natural keys: property number, container ID, property + start date, and the contact
role's own unique key). Runs after customers/demo.py and links the customers it made.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from customers.demo import rows
from customers.models import ContactRole, Customer
from properties.models import Agreement, Container, Property
from properties.services import default_currency

# number | parent number | name | address | postcode | city | type | area
PROPERTIES = {
    "nordbygg": """
        ST | | Solsiden Terrasse | Solsidevegen 4 | 7014 | Trondheim | Prosjekt | Nedre Elvehavn
        ST-A | ST | Hus A | Solsidevegen 4A | 7014 | Trondheim | Boligblokk | Nedre Elvehavn
        ST-B | ST | Hus B | Solsidevegen 4B | 7014 | Trondheim | Boligblokk | Nedre Elvehavn
        ST-A-H0101 | ST-A | Leilighet A-H0101 | Solsidevegen 4A, H0101 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
        ST-A-H0102 | ST-A | Leilighet A-H0102 | Solsidevegen 4A, H0102 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
        ST-A-H0201 | ST-A | Leilighet A-H0201 | Solsidevegen 4A, H0201 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
        ST-A-H0202 | ST-A | Leilighet A-H0202 | Solsidevegen 4A, H0202 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
        ST-B-H0101 | ST-B | Leilighet B-H0101 | Solsidevegen 4B, H0101 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
        ST-B-H0102 | ST-B | Leilighet B-H0102 | Solsidevegen 4B, H0102 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
        ST-B-H0201 | ST-B | Leilighet B-H0201 | Solsidevegen 4B, H0201 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
        ST-B-H0202 | ST-B | Leilighet B-H0202 | Solsidevegen 4B, H0202 | 7014 | Trondheim | Leilighet | Nedre Elvehavn
    """,  # noqa: E501
    "renova": """
        751-000123 | | | Birkevej 12 | 8000 | Aarhus C | Parcelhus | Aarhus Midt
        751-000456 | | | Rosenhaven 3 | 8200 | Aarhus N | Fælles: Rækkehus | Aarhus Nord
        751-000457 | | | Rosenhaven 5 | 8200 | Aarhus N | Fælles: Rækkehus | Aarhus Nord
        751-000789 | | Søndergården | Søndergade 45 | 8000 | Aarhus C | Etageejendom | Aarhus Midt
        751-000912 | | | Egevænget 8 | 8210 | Aarhus V | Parcelhus | Aarhus Vest
    """,
    "hyresbo": """
        FN-1014 | | Kvarteret Björken | Storgatan 14 | 903 26 | Umeå | Flerbostadshus | Centrum
        FN-1014-1101 | FN-1014 | Lägenhet 1101 | Storgatan 14, lgh 1101 | 903 26 | Umeå | Lägenhet | Centrum
        FN-1014-1102 | FN-1014 | Lägenhet 1102 | Storgatan 14, lgh 1102 | 903 26 | Umeå | Lägenhet | Centrum
        FN-1014-1201 | FN-1014 | Lägenhet 1201 | Storgatan 14, lgh 1201 | 903 26 | Umeå | Lägenhet | Centrum
        FN-1052 | | Kvarteret Linden | Kungsgatan 52 | 903 25 | Umeå | Flerbostadshus | Centrum
        FN-1052-1001 | FN-1052 | Lokal 1001 | Kungsgatan 52, lokal 1001 | 903 25 | Umeå | Lokal | Centrum
        FN-1052-1101 | FN-1052 | Lägenhet 1101 | Kungsgatan 52, lgh 1101 | 903 25 | Umeå | Lägenhet | Centrum
        FN-1052-1102 | FN-1052 | Lägenhet 1102 | Kungsgatan 52, lgh 1102 | 903 25 | Umeå | Lägenhet | Centrum
    """,  # noqa: E501
}

# container ID | property number | fraction | type | litres | placement
CONTAINERS = {
    "renova": """
        100234 | 751-000123 | Restaffald | 240 liters beholder | 240 |
        100235 | 751-000123 | Madaffald | 140 liters beholder | 140 |
        100236 | 751-000123 | Plast | 240 liters beholder | 240 |
        100237 | 751-000123 | Papir | 240 liters beholder | 240 |
        100310 | 751-000456 | Restaffald | 190 liters beholder | 190 | Fælles skur, Rosenhaven 1-9
        100311 | 751-000456 | Madaffald | 140 liters beholder | 140 | Fælles skur, Rosenhaven 1-9
        100320 | 751-000457 | Restaffald | 190 liters beholder | 190 | Fælles skur, Rosenhaven 1-9
        100401 | 751-000789 | Restaffald | 660 liters container | 660 | Gården, Søndergade 45
        100402 | 751-000789 | Madaffald | 240 liters beholder | 240 | Gården, Søndergade 45
        100403 | 751-000789 | Plast | 660 liters container | 660 | Gården, Søndergade 45
        100404 | 751-000789 | Papir | 660 liters container | 660 | Gården, Søndergade 45
        100501 | 751-000912 | Restaffald | 240 liters beholder | 240 |
    """,
    "hyresbo": """
        UM-55012 | FN-1014 | Restavfall | 660 liters kärl | 660 | Soprummet, gården
        UM-55013 | FN-1014 | Matavfall | 140 liters kärl | 140 | Soprummet, gården
    """,
}

# property number | customer e-mail | start | end | price | description
AGREEMENTS = {
    "nordbygg": """
        ST | styret@solsiden-sameie.example | 2025-06-15 | 2030-06-14 | 0.00 | Reklamasjonsoppfølging fellesarealer (5 år)
    """,  # noqa: E501
    "renova": """
        751-000123 | lars.pedersen@mail.example | 2026-01-01 | 2026-12-31 | 3125.00 | Dagrenovation, 14-dages tømning af restaffald og madaffald
        751-000123 | lars.pedersen@mail.example | 2025-01-01 | 2025-12-31 | 0.00 | Genbrug: plast og papir (indeholdt i grundgebyret)
        751-000456 | hanne.kristensen@mail.example | 2026-01-01 | 2026-12-31 | 2480.00 | Dagrenovation, rækkehus med fælles skur
        751-000457 | birgitte.moller@mail.example | 2026-01-01 | | 2480.00 | Dagrenovation, rækkehus med fælles skur
        751-000789 | administration@sondergaarden.example | 2025-07-01 | 2027-06-30 | 18950.00 | Fælles affaldsløsning, ugentlig tømning
        751-000912 | jens.thomsen@mail.example | 2026-03-01 | 2026-08-31 | 0.00 | Midlertidig aftale: storskrald efter behov
    """,  # noqa: E501
    "hyresbo": """
        FN-1014-1101 | elsa.nilsson@post.example | 2021-10-01 | | 7850.00 | Hyresavtal, 2 rum och kök (hyra per månad)
        FN-1052-1001 | info@saxen.example | 2024-01-01 | 2026-12-31 | 12400.00 | Lokalhyresavtal frisörsalong (hyra per månad)
    """,  # noqa: E501
}

# property number | customer e-mail | role | start | end
CONTACTS = {
    "nordbygg": """
        ST | styret@solsiden-sameie.example | company_contact | 2025-06-15 |
        ST-A-H0101 | ingrid.solberg@epost.example | owner | 2025-06-15 |
        ST-A-H0101 | magnus.solberg@epost.example | co_owner | 2025-06-15 |
        ST-A-H0102 | nora.bakken@epost.example | owner | 2025-06-15 |
        ST-A-H0201 | jonas.lie@epost.example | owner | 2025-06-20 |
        ST-A-H0202 | sofie.haugen@epost.example | owner | 2025-06-20 |
        ST-B-H0101 | emil.andersen@epost.example | owner | 2025-08-01 |
        ST-B-H0101 | ida.andersen@epost.example | co_owner | 2025-08-01 |
        ST-B-H0102 | henrik.dahl@epost.example | owner | 2025-08-01 |
        ST-B-H0201 | marte.kristiansen@epost.example | owner | 2025-08-15 |
        ST-B-H0202 | sindre.moen@epost.example | owner | 2025-08-15 |
    """,
    "renova": """
        751-000123 | lars.pedersen@mail.example | owner | 2012-04-01 |
        751-000456 | hanne.kristensen@mail.example | owner | 2018-09-01 |
        751-000456 | mads.kristensen@mail.example | co_owner | 2018-09-01 |
        751-000457 | birgitte.moller@mail.example | owner | 2020-02-01 |
        751-000789 | administration@sondergaarden.example | owner | 1998-01-01 |
        751-000912 | jens.thomsen@mail.example | resident | 2026-03-01 | 2026-08-31
    """,
    "hyresbo": """
        FN-1014-1101 | elsa.nilsson@post.example | resident | 2021-10-01 |
        FN-1014-1102 | oskar.berg@post.example | resident | 2019-04-01 |
        FN-1014-1201 | maja.holm@post.example | resident | 2023-11-01 |
        FN-1052-1101 | lucas.ek@post.example | resident | 2022-05-01 |
        FN-1052-1102 | alice.sandberg@post.example | resident | 2020-01-01 |
        FN-1052-1102 | william.forsberg@post.example | resident | 2026-01-01 | 2026-12-31
        FN-1052-1001 | info@saxen.example | resident | 2024-01-01 | 2026-12-31
    """,
}


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _properties(org, table: str) -> dict[str, Property]:
    by_number: dict[str, Property] = {}
    for number, parent, name, address, postcode, city, kind, area in rows(table):
        prop, _ = Property.objects.get_or_create(
            organization=org,
            property_number=number,
            defaults={
                "parent": by_number.get(parent),
                "name": name,
                "address": address,
                "postcode": postcode,
                "city": city,
                "property_type": kind,
                "area": area,
            },
        )
        by_number[number] = prop
    return by_number


def seed(context: dict) -> None:
    customers: dict[str, dict[str, Customer]] = context.get("customers", {})
    for slug, demo in context["orgs"].items():
        org = demo.org
        people = customers.get(slug, {})
        props = _properties(org, PROPERTIES.get(slug, ""))
        for container_id, number, fraction, kind, litres, placement in rows(
            CONTAINERS.get(slug, "")
        ):
            Container.objects.get_or_create(
                organization=org,
                container_id=container_id,
                defaults={
                    "property": props[number],
                    "fraction": fraction,
                    "container_type": kind,
                    "size_litres": int(litres) if litres else None,
                    "placement_address": placement,
                },
            )
        for number, email, start, end, price, description in rows(AGREEMENTS.get(slug, "")):
            Agreement.objects.get_or_create(
                organization=org,
                property=props[number],
                period_start=_date(start),
                description=description,
                defaults={
                    "customer": people.get(email),
                    "period_end": _date(end),
                    "price": Decimal(price),
                    "currency": default_currency(org),
                },
            )
        for number, email, role, start, end in rows(CONTACTS.get(slug, "")):
            if email not in people:
                continue
            ContactRole.objects.get_or_create(
                organization=org,
                customer=people[email],
                property=props[number],
                role=role,
                defaults={"start_date": _date(start), "end_date": _date(end)},
            )
