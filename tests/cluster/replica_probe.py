"""Run by test_replica.py in a process of its own, with DATABASE_URL naming a throwaway primary
and DATABASE_REPLICA_URL its hot standby (the settings a deployment would have). It writes,
pauses the standby's replay, reads through the router and through pages, and prints what it
saw as JSON; the test asserts on it.

A customer created while replay is paused exists only on the primary: a read that finds it
ran on the primary, one that does not ran on the standby.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host, in-memory e-mail
    from django.core.cache import cache

    cache.clear()  # this probe's own Redis database
    facts = Probe().run()
    print(json.dumps(facts))


class Probe:
    def __init__(self) -> None:
        import psycopg

        self.standby = psycopg.connect(
            host="127.0.0.1",
            port=int(os.environ["STANDBY_PORT"]),
            dbname="postgres",
            user="postgres",
            autocommit=True,
        )
        self.facts: dict = {}

    # --- the standby -----------------------------------------------------------------------

    def caught_up(self) -> bool:
        from django.db import connections

        with connections["owner"].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (primary_lsn,) = cursor.fetchone()
        (behind,) = self.standby.execute(
            "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", [primary_lsn]
        ).fetchone()
        return behind <= 0

    def wait_caught_up(self) -> None:
        deadline = time.monotonic() + 30
        while not self.caught_up():
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)

    def pause_replay(self) -> None:
        self.standby.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.standby.execute("SELECT pg_wal_replay_resume()")

    # --- reads, and where they ran ---------------------------------------------------------

    def names(self, org) -> list[str]:
        from customers.models import Customer

        return sorted(
            Customer.objects.filter(organization=org, name__startswith="Nordlys").values_list(
                "name", flat=True
            )
        )

    def counted(self, fn):
        """fn()'s result and how many statements each alias ran for it."""
        from django.db import connections
        from django.test.utils import CaptureQueriesContext

        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections["replica"]) as replica,
        ):
            result = fn()
        return result, {"primary": len(primary), "replica": len(replica)}

    def run(self) -> dict:
        from django.conf import settings
        from django.db import connections

        f = self.facts
        f["aliases"] = sorted(settings.DATABASES)
        f["routers"] = settings.DATABASE_ROUTERS
        f["replica_user"] = settings.DATABASES["replica"]["USER"]
        f["in_recovery"] = {}
        for alias in ("default", "replica"):
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT pg_is_in_recovery()")
                f["in_recovery"][alias] = cursor.fetchone()[0]
        self.setup()
        self.wait_caught_up()
        self.pause_replay()
        try:
            self.while_paused()
        finally:
            self.resume_replay()
        self.wait_caught_up()
        self.after_resume()
        return f

    def setup(self) -> None:
        from customers.services import customer_create
        from organizations.models import Membership
        from organizations.tenancy import all_organizations
        from tests.factories.customers import CustomerFactory
        from tests.factories.organizations import (
            MembershipFactory,
            OrganizationFactory,
            UserFactory,
        )

        with all_organizations("the probe sets up two organizations"):
            self.org = OrganizationFactory(slug="replica-a", name="Replica A")
            self.other = OrganizationFactory(slug="replica-b", name="Replica B")
            self.caseworker = UserFactory(email="caseworker@replica-a.example")
            self.admin = UserFactory(email="admin@replica-a.example")
            MembershipFactory(
                organization=self.org, user=self.caseworker, role=Membership.Role.CASEWORKER
            )
            MembershipFactory(organization=self.org, user=self.admin, role=Membership.Role.ADMIN)
            customer_create(org=self.org, actor=self.admin, name="Nordlys Eiendom")
            CustomerFactory(organization=self.other, name="Nordlys Borettslag")

    def while_paused(self) -> None:
        from django.db import transaction

        from config.db_router import forget_writes, read_alias, using_replica
        from customers.models import Customer
        from customers.services import customer_create
        from organizations.tenancy import all_organizations, organization_scope

        f = self.facts
        with all_organizations("written on the primary while the standby's replay is paused"):
            self.new = customer_create(org=self.org, actor=self.admin, name="Nordlys Nyhet")
        forget_writes()  # as a new request or task does

        with organization_scope(self.org):
            f["plain_read"] = self.counted(lambda: self.names(self.org))
            with using_replica():
                f["alias_outside_transactions"] = read_alias()
                f["helper_read"] = self.counted(lambda: self.names(self.org))

            def in_transaction():
                with transaction.atomic(), using_replica():
                    return read_alias(), self.names(self.org)

            f["helper_read_in_transaction"] = self.counted(in_transaction)

            def write_then_read():
                with using_replica():
                    created = Customer.objects.create(organization=self.org, name="Nordlys Skrevet")
                    return created._state.db, read_alias(), self.names(self.org)

            f["helper_write_then_read"] = self.counted(write_then_read)

            forget_writes()

            def save_replica_row():
                with using_replica():
                    row = Customer.objects.get(organization=self.org, name="Nordlys Eiendom")
                    loaded_from = row._state.db
                    row.city = "Bodø"
                    row.save(update_fields=["city"])
                    return loaded_from, row._state.db

            f["helper_save_of_replica_row"] = self.counted(save_replica_row)
            f["city_on_primary"] = Customer.objects.get(pk=row_pk(self)).city

            def lock_in_transaction():
                with transaction.atomic(), using_replica():
                    return list(
                        Customer.objects.select_for_update()
                        .filter(pk=self.new.pk)
                        .values_list("name", flat=True)
                    )

            forget_writes()
            f["helper_select_for_update"] = self.counted(lock_in_transaction)

        self.pages("paused")

    def pages(self, when: str) -> None:
        """The search page, the events CSV and a customer's page, through the test client."""
        from django.test import Client
        from django.urls import reverse

        slug = self.org.slug
        staff = Client()
        staff.force_login(self.caseworker)
        admin = Client()
        admin.force_login(self.admin)
        search = reverse("customers:customer_list", args=[slug]) + "?q=Nordlys"
        response, counts = self.counted(lambda: staff.get(search))
        page = response.content.decode()
        self.facts[f"search_page_{when}"] = {
            "status": response.status_code,
            "names": sorted(n for n in NAMES if n in page),
            "counts": counts,
        }
        options = reverse("customers:customer_options", args=[slug]) + "?q=Nordlys"
        response, counts = self.counted(lambda: staff.get(options))
        page = response.content.decode()
        self.facts[f"options_{when}"] = {
            "status": response.status_code,
            "names": sorted(n for n in NAMES if n in page),
            "counts": counts,
        }
        detail = reverse("customers:customer_detail", args=[slug, self.new.pk])
        response, counts = self.counted(lambda: staff.get(detail))
        self.facts[f"detail_page_{when}"] = {
            "status": response.status_code,
            "shows_new": "Nordlys Nyhet" in response.content.decode(),
            "counts": counts,
        }
        export = reverse("organizations:events_export", args=[slug])

        def csv():
            response = admin.get(export)
            return response.status_code, b"".join(response.streaming_content).decode()

        (status, body), counts = self.counted(csv)
        self.facts[f"events_csv_{when}"] = {
            "status": status,
            "names": sorted(n for n in NAMES if n in body),
            "counts": counts,
        }

    def after_resume(self) -> None:
        self.pages("resumed")


NAMES = ("Nordlys Eiendom", "Nordlys Nyhet", "Nordlys Skrevet", "Nordlys Borettslag")


def row_pk(probe: Probe) -> int:
    from customers.models import Customer
    from organizations.tenancy import all_organizations

    with all_organizations("the probe looks the row up by name"):
        return Customer.objects.get(organization=probe.org, name="Nordlys Eiendom").pk


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())
    main()
