"""Demo customers and suppliers for `manage.py seed_demo`. Idempotent (natural keys).

Properties, containers, agreements and the contact roles that tie customers to homes come from
properties/demo.py, which runs after this module and finds these customers in
`context["customers"][org_slug][email]`.
"""

from __future__ import annotations

from customers.models import Customer, Supplier

# One customer a line: name | e-mail | phone | address | postcode | city
# and, for companies and non-regular customers: | type | kind | org number | contact person
CUSTOMERS = {
    "nordbygg": """
        Ingrid Solberg | ingrid.solberg@epost.example | +47 912 34 501 | Solsidevegen 4A | 7014 | Trondheim
        Magnus Solberg | magnus.solberg@epost.example | +47 912 34 502 | Solsidevegen 4A | 7014 | Trondheim
        Nora Bakken | nora.bakken@epost.example | +47 913 22 118 | Solsidevegen 4A | 7014 | Trondheim
        Jonas Lie | jonas.lie@epost.example | +47 934 55 210 | Solsidevegen 4A | 7014 | Trondheim
        Sofie Haugen | sofie.haugen@epost.example | +47 922 10 734 | Solsidevegen 4A | 7014 | Trondheim
        Emil Andersen | emil.andersen@epost.example | +47 408 61 992 | Solsidevegen 4B | 7014 | Trondheim
        Ida Andersen | ida.andersen@epost.example | +47 408 61 993 | Solsidevegen 4B | 7014 | Trondheim
        Henrik Dahl | henrik.dahl@epost.example | +47 995 43 120 | Solsidevegen 4B | 7014 | Trondheim
        Marte Kristiansen | marte.kristiansen@epost.example | +47 917 76 045 | Solsidevegen 4B | 7014 | Trondheim
        Sindre Moen | sindre.moen@epost.example | +47 481 20 377 | Solsidevegen 4B | 7014 | Trondheim
        Solsiden Terrasse Sameie | styret@solsiden-sameie.example | +47 73 50 20 10 | Solsidevegen 4 | 7014 | Trondheim | company | regular | 925 114 302 | Tone Aune (styreleder)
        Kjersti Ødegård | kjersti.odegard@epost.example | +47 920 11 482 | Kjøpmannsgata 21 | 7013 | Trondheim | person | prospect
    """,  # noqa: E501
    "renova": """
        Lars Pedersen | lars.pedersen@mail.example | +45 21 43 65 87 | Birkevej 12 | 8000 | Aarhus C
        Hanne Kristensen | hanne.kristensen@mail.example | +45 30 12 45 78 | Rosenhaven 3 | 8200 | Aarhus N
        Mads Kristensen | mads.kristensen@mail.example | +45 30 12 45 79 | Rosenhaven 3 | 8200 | Aarhus N
        Birgitte Møller | birgitte.moller@mail.example | +45 40 87 12 33 | Rosenhaven 5 | 8200 | Aarhus N
        Jens Thomsen | jens.thomsen@mail.example | +45 28 55 90 14 | Egevænget 8 | 8210 | Aarhus V | person | temporary
        Boligforeningen Søndergården | administration@sondergaarden.example | +45 86 12 34 56 | Søndergade 45 | 8000 | Aarhus C | company | regular | DK 31 24 56 78 | Karen Holm (administrator)
    """,  # noqa: E501
    "hyresbo": """
        Elsa Nilsson | elsa.nilsson@post.example | +46 70 123 45 01 | Storgatan 14 | 903 26 | Umeå
        Oskar Berg | oskar.berg@post.example | +46 73 220 18 44 | Storgatan 14 | 903 26 | Umeå
        Maja Holm | maja.holm@post.example | +46 76 511 09 87 | Storgatan 14 | 903 26 | Umeå
        Lucas Ek | lucas.ek@post.example | +46 70 998 12 30 | Kungsgatan 52 | 903 25 | Umeå
        Alice Sandberg | alice.sandberg@post.example | +46 72 310 77 65 | Kungsgatan 52 | 903 25 | Umeå
        William Forsberg | william.forsberg@post.example | +46 70 444 21 09 | Kungsgatan 52 | 903 25 | Umeå | person | temporary
        Frisör Saxen HB | info@saxen.example | +46 90 12 34 56 | Kungsgatan 52 | 903 25 | Umeå | company | regular | 969712-3456 | Sara Lund
    """,  # noqa: E501
}

# name | trade | e-mail | phone | org number | "user" to link the organization's demo supplier user
SUPPLIERS = {
    "nordbygg": """
        Rørlegger Hansen AS | Rørlegger | post@rorlegger-hansen.example | +47 73 10 20 30 | 918 273 645 | user
        Elektro Nord AS | Elektriker | service@elektronord.example | +47 73 40 50 60 | 912 345 678 |
    """,  # noqa: E501
    "renova": """
        Vognmand Jensen ApS | Renovation og kørsel | kontor@vognmandjensen.example | +45 86 22 33 44 | DK 28 91 44 10 | user
    """,  # noqa: E501
    "hyresbo": """
        Fastighetsservice Norr AB | Fastighetsskötsel | order@fsnorr.example | +46 90 70 80 90 | 556677-8899 | user
    """,  # noqa: E501
}


def rows(table: str) -> list[list[str]]:
    """The non-empty lines of a demo table, split on "|" and stripped."""
    return [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]


def _customer(org, cells: list[str]) -> Customer:
    name, email, phone, address, postcode, city, *rest = cells
    rest += [""] * (4 - len(rest))
    customer_type, kind, org_number, contact_person = rest
    customer, _ = Customer.objects.get_or_create(
        organization=org,
        email=email,
        defaults={
            "name": name,
            "phone": phone,
            "address": address,
            "postcode": postcode,
            "city": city,
            "customer_type": customer_type or Customer.Type.PERSON,
            "kind": kind or Customer.Kind.REGULAR,
            "org_number": org_number,
            "contact_person": contact_person,
        },
    )
    return customer


def seed(context: dict) -> None:
    customers: dict[str, dict[str, Customer]] = {}
    for slug, demo in context["orgs"].items():
        by_email = customers.setdefault(slug, {})
        for cells in rows(CUSTOMERS.get(slug, "")):
            customer = _customer(demo.org, cells)
            by_email[customer.email] = customer
        for name, trade, email, phone, org_number, link in rows(SUPPLIERS.get(slug, "")):
            supplier, _ = Supplier.objects.get_or_create(
                organization=demo.org,
                name=name,
                defaults={"trade": trade, "email": email, "phone": phone, "org_number": org_number},
            )
            if link == "user":
                supplier.users.add(demo.supplier, through_defaults={"organization": demo.org})
    context["customers"] = customers
