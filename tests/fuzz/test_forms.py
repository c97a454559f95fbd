"""Every POST form of every page, each field with a fixed set of nasty values: no 5xx (issue 9).

The pages are found, not listed: every URL pattern (staff pages under /<org>/ as an admin of a
seeded organization, or as its supplier where an admin may not look; the public ones anonymously),
with real ids filled in (tests/fuzz/pages.py). Each page's `<form method="post">` is read as a
browser would (tests/fuzz/html_forms.py) and posted with one field at a time replaced by each
nasty value, the others as the page gave them (required empty ones filled plausibly, so the form
gets as far as its service), with CSRF checks on. Typed fields get every value; hidden fields,
selects, checkboxes, buttons and files the ones that matter for ids and choices. A form met on
several pages (or for several objects of one URL pattern) is fuzzed once.

Every answer must be below 500; for NUL (a character PostgreSQL text cannot hold) the form must
also come back re-rendered with its error or redirect, both as a plain post and through htmx.
Each request runs in a savepoint that is rolled back, so a delete or a role change in one does
not take the next one's objects or rights away.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import resolve

from organizations.tenancy import all_organizations
from tests.fuzz.html_forms import (
    MULTIPART_TYPE,
    URLENCODED_TYPE,
    Field,
    Form,
    Value,
    multipart,
    post_forms,
    urlencoded,
)
from tests.fuzz.pages import Route, all_routes, fill
from tests.fuzz.seed import seed

NASTY: dict[str, Value] = {
    "nul": "a\x00b",
    "lone-surrogate": "\udfff",  # sent as its UTF-8 bytes (ED BF BF): not valid UTF-8
    "invalid-utf8": b"\xff\xfe\xc3(",  # raw bytes in the body
    "rtl-override": "\u202egnp.exe",
    "100kb": "x" * 100_000,
    "deep-nesting": "[" * 5000 + "]" * 5000,
    "5000-digits": "9" * 5000,
    "beyond-bigint": "9223372036854775808",
    "superscript-two": "²",
    "minus-one": "-1",
    "1e309": "1e309",
}
# Text a person types: numbers as text are only interesting where a number is expected.
TEXT = tuple(k for k in NASTY if k not in ("beyond-bigint", "minus-one", "1e309"))
NUMERIC_KINDS = {"number", "date", "datetime-local", "time", "month", "week"}
# Ids, choices and flags: what breaks int(), a lookup or a choice check.
CHOSEN = ("nul", "lone-surrogate", "invalid-utf8", "5000-digits", "beyond-bigint")
CHOSEN += ("superscript-two", "minus-one", "1e309")
NASTY_FILENAMES = ["a\x00b\u202egnp.exe", "x" * 1000 + ".pdf"]
REPRESENTATIVE = "nul"
# "Re-rendered with its error, or redirected": any of these, never 403 (CSRF) or 405; 404 only
# for a hidden id that now names nothing.
RENDERED_OR_REDIRECTED = {200, 204, 301, 302, 303, 400, 409, 413, 422, 429}
NOT_FUZZED = {"csrfmiddlewaretoken"}


@dataclass
class Stats:
    pages: int = 0
    forms: int = 0
    fields: int = 0
    requests: int = 0
    fuzzed: dict = field(default_factory=dict)  # form signature -> the page it was found on


STATS = Stats()
ROUTES = all_routes()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=media, WEBFORM_RATE_LIMIT_PER_HOUR=1_000_000),
        django_db_blocker.unblock(),
        transaction.atomic(),
        all_organizations("the fuzz seeds several organizations once for the module"),
    ):
        yield seed()
        transaction.set_rollback(True)
    print(
        f"\nform fuzz: {STATS.pages} pages, {STATS.forms} forms, {STATS.fields} fields, "
        f"{STATS.requests} requests"
    )


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _post(client: Client, form: Form, name: str, value: Value, files=(), htmx=False):
    """One submission in a savepoint rolled back after it; the client's cookies restored."""
    pairs = form.pairs(name, value)
    if form.multipart or files:
        body, content_type = multipart(pairs, list(files)), MULTIPART_TYPE
    else:
        body, content_type = urlencoded(pairs), URLENCODED_TYPE
    cookies = client.cookies
    client.cookies = type(cookies)(cookies)
    STATS.requests += 1
    try:
        with transaction.atomic():
            response = client.generic(
                "POST",
                form.action,
                body,
                content_type=content_type,
                headers={"HX-Request": "true"} if htmx else {},
            )
            transaction.set_rollback(True)
    except Exception:  # the 500 page itself failed: still a 500
        return 599, traceback.format_exc(limit=-3)
    finally:
        client.cookies = cookies
    exc = getattr(response, "exc_info", None)
    return response.status_code, ("".join(traceback.format_exception(*exc)[-3:]) if exc else "")


def _fields(form: Form) -> list[Field]:
    by_name: dict[str, Field] = {}
    for f in form.fields:
        if f.name not in NOT_FUZZED:
            by_name.setdefault(f.name, f)
    return list(by_name.values())


def _rendered(f: Field) -> set[int]:
    return RENDERED_OR_REDIRECTED | ({404} if f.kind == "hidden" else set())


def _fuzz(client: Client, form: Form, page: str) -> list[tuple]:
    failures = []
    fields = _fields(form)
    STATS.forms += 1
    STATS.fields += len(fields)
    for f in fields:
        labels = NASTY if f.kind in NUMERIC_KINDS else TEXT if f.typed else CHOSEN
        for label in labels:
            status, error = _post(client, form, f.name, NASTY[label])
            if status >= 500:
                failures.append((page, form.action, f.name, label, status, error))
            elif label == REPRESENTATIVE and status not in _rendered(f):
                failures.append((page, form.action, f.name, label, status, "not re-rendered"))
        status, error = _post(client, form, f.name, NASTY[REPRESENTATIVE], htmx=True)
        if status >= 500 or status not in _rendered(f):
            failures.append((page, form.action, f.name, "nul, htmx", status, error))
        if f.kind == "file":
            for filename in NASTY_FILENAMES:
                status, error = _post(client, form, f.name, "", files=[(f.name, filename, b"x")])
                if status >= 500:
                    failures.append((page, form.action, f.name, filename[:20], status, error))
    return failures


def _signature(form: Form) -> tuple:
    try:
        route = resolve(form.action.split("?")[0]).route
    except Exception:
        route = form.action
    return (route, form.field_names())


def _resident_client(seeded) -> Client:
    from portal.auth import SESSION_KEY

    client = _client()
    session = client.session
    session[SESSION_KEY] = {str(seeded.org.pk): seeded.resident.pk}
    session.save()
    return client


def _clients(route: Route, seeded) -> tuple[list[Client], bool]:
    """Who opens the page, and whether the first who may see it is enough."""
    if route.staff:
        return [_client(seeded.admin), _client(seeded.supplier)], True
    if route.name.startswith("portal:") and seeded.resident is not None:
        return [_client(), _resident_client(seeded)], False
    return [_client()], True


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_every_post_form_field_survives_nasty_values(seeded, db, route):
    urls = fill(route, seeded)
    assert urls, f"no value for a parameter of {route.route}: add one in tests/fuzz/seed.py"
    failures = []
    clients, first_is_enough = _clients(route, seeded)
    for url in urls:
        for client in clients:
            response = client.get(url, follow=True)
            exc = getattr(response, "exc_info", None)
            assert response.status_code < 500, (url, exc and traceback.format_exception(*exc)[-3:])
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            STATS.pages += 1
            page = response.request["PATH_INFO"]
            for form in post_forms(response.content.decode(), page):
                signature = _signature(form)
                if signature in STATS.fuzzed or not _fields(form):
                    continue
                STATS.fuzzed[signature] = page
                failures += _fuzz(client, form, page)
            if first_is_enough:
                break  # the admin could use the page: the supplier need not
    assert not failures, "\n".join(map(repr, failures))
