"""Settings → Messages: administrators reword each message per language with safe placeholders
and sanitised HTML, preview it with sample values, and go back to the built-in wording."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.message_templates import message_template_save
from notifications.messages import render
from notifications.models import MessageTemplate


def _list(tenant) -> str:
    return f"/{tenant.org.slug}/settings/messages/"


def _edit(tenant, kind="case_created", language="en") -> str:
    return f"/{tenant.org.slug}/settings/messages/{kind}/{language}/"


def test_list_shows_every_editable_kind_and_language_as_default(tenant, admin_client_org):
    response = admin_client_org.get(_list(tenant))

    assert response.status_code == 200
    html = response.content.decode()
    for kind in (
        "case_created",
        "supplier_handover",
        "reply",
        "confirmation",
        "task_assigned",
        "mention",
        "case_resolved",
    ):
        for language in ("nb", "sv", "da", "en"):
            assert _edit(tenant, kind, language) in html
    assert "Customised" not in html
    assert html.count(">Default<") == 28


def test_list_marks_a_customised_template(tenant, admin_client_org):
    MessageTemplate.objects.create(
        organization=tenant.org, kind="mention", language="sv", subject="s", body_text="t"
    )

    html = admin_client_org.get(_list(tenant)).content.decode()

    assert html.count("Customised") == 1


def test_editor_starts_from_the_default_in_its_language(tenant, admin_client_org):
    response = admin_client_org.get(_edit(tenant))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["subject"] == "We have registered your case: {{ case_title }}"
    assert "{{ customer_name }}" in form.initial["body_text"]
    assert "the customer&#x27;s name" in response.content.decode()


def test_saving_stores_the_organizations_own_wording(tenant, admin_client_org):
    response = admin_client_org.post(
        _edit(tenant),
        {
            "subject": "Sak {{ case_number }} registrert",
            "body_text": "Hei {{ customer_name }}",
            "body_html": (
                "<p onclick='x()'>Hei <b>{{ customer_name }}</b></p><script>alert(1)</script>"
            ),
            "action": "save",
        },
    )

    assert response.status_code == 302
    template = MessageTemplate.objects.get(organization=tenant.org)
    assert (template.kind, template.language) == ("case_created", "en")
    assert template.subject == "Sak {{ case_number }} registrert"
    assert "script" not in template.body_html and "onclick" not in template.body_html
    rendered = render(
        org=tenant.org,
        kind="case_created",
        language="en",
        values={"case_number": "7", "customer_name": "<Ola>"},
    )
    assert rendered.subject == "Sak 7 registrert"
    assert rendered.text == "Hei <Ola>"
    assert "<b>&lt;Ola&gt;</b>" in rendered.html


def test_saving_again_changes_the_same_row(tenant, admin_client_org):
    for subject in ("one", "two"):
        admin_client_org.post(
            _edit(tenant), {"subject": subject, "body_text": "x", "action": "save"}
        )
    assert MessageTemplate.objects.get().subject == "two"


def test_preview_renders_sample_values_and_signature_without_saving(tenant, admin_client_org):
    tenant.org.email_signature = "Alpha Bolig\nkundeservice"
    tenant.org.save()

    response = admin_client_org.post(
        _edit(tenant),
        {
            "subject": "Sak {{ case_number }}: {{ case_title }}",
            "body_text": "Hei {{ customer_name }}, se {{ link }}",
            "body_html": "",
            "action": "preview",
        },
    )

    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.subject == "Sak 1234: Dripping tap in the bathroom"
    assert preview.text.startswith("Hei Kari Nordmann, se http")
    assert preview.text.endswith("Alpha Bolig\nkundeservice")
    html = response.content.decode()
    assert "Sak 1234: Dripping tap in the bathroom" in html
    assert 'sandbox srcdoc="' in html
    assert response.context["form"]["subject"].value() == "Sak {{ case_number }}: {{ case_title }}"
    assert not MessageTemplate.objects.exists()


def test_preview_of_html_is_sanitised_and_escaped_in_the_frame(tenant, admin_client_org):
    response = admin_client_org.post(
        _edit(tenant),
        {
            "subject": "s",
            "body_text": "t",
            "body_html": '<p>Hi</p><img src=x onerror="alert(1)"><script>alert(2)</script>',
            "action": "preview",
        },
    )

    html = response.content.decode()
    assert "<script>" not in html  # the textarea keeps it, escaped
    preview = response.context["preview"].html
    assert "onerror" not in preview and "script" not in preview
    assert '<img src="x">' in preview


def test_unknown_placeholder_is_refused_and_keeps_what_was_typed(tenant, admin_client_org):
    response = admin_client_org.post(
        _edit(tenant),
        {"subject": "Hei {{ custmer_name }}", "body_text": "x", "action": "save"},
    )

    assert response.status_code == 200
    assert "{{ custmer_name }}" in str(response.context["form"].errors["subject"])
    assert response.context["form"]["subject"].value() == "Hei {{ custmer_name }}"
    assert not MessageTemplate.objects.exists()


def test_empty_subject_is_refused(tenant, admin_client_org):
    response = admin_client_org.post(
        _edit(tenant), {"subject": "", "body_text": "x", "action": "save"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["subject"]
    assert not MessageTemplate.objects.exists()


def test_django_template_syntax_is_not_evaluated(tenant, admin_client_org):
    admin_client_org.post(
        _edit(tenant),
        {
            "subject": "{% debug %}{{ case_title.__class__ }}",
            "body_text": "{{ settings.SECRET_KEY }} {% load static %}",
            "action": "save",
        },
    )
    # neither placeholder is offered: refused, nothing saved
    assert not MessageTemplate.objects.exists()

    message_template_save(
        org=tenant.org,
        actor=tenant.admin,
        kind="case_created",
        language="en",
        subject="{% debug %} {{ case_title }}",
        body_text="{% load static %}",
    )
    rendered = render(
        org=tenant.org, kind="case_created", language="en", values={"case_title": "T"}
    )
    assert rendered.subject == "{% debug %} T"
    assert rendered.text == "{% load static %}"


def test_reset_goes_back_to_the_default(tenant, admin_client_org):
    MessageTemplate.objects.create(
        organization=tenant.org, kind="case_created", language="en", subject="s", body_text="t"
    )

    page = admin_client_org.get(_edit(tenant)).content.decode()
    assert _edit(tenant) + "reset/" in page

    response = admin_client_org.post(_edit(tenant) + "reset/")

    assert response.status_code == 302
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    "path", ["forward/en/", "invitation/en/", "nonsense/en/", "case_created/de/", "mention/xx/"]
)
def test_not_editable_kinds_and_languages_are_404(tenant, admin_client_org, path):
    url = f"/{tenant.org.slug}/settings/messages/{path}"
    assert admin_client_org.get(url).status_code == 404
    assert admin_client_org.post(url, {"subject": "s", "body_text": "t"}).status_code == 404
    assert admin_client_org.post(url + "reset/").status_code == 404


def test_service_refuses_a_kind_that_is_not_editable(tenant):
    with pytest.raises(ValidationError):
        message_template_save(
            org=tenant.org,
            actor=tenant.admin,
            kind="password_reset",
            language="en",
            subject="s",
            body_text="t",
        )


@pytest.mark.parametrize("who", ["caseworker", "supplier"])
def test_only_admins_may_edit(tenant, who):
    client = tenant.client_for(getattr(tenant, who))
    assert client.get(_list(tenant)).status_code == 403
    assert client.get(_edit(tenant)).status_code == 403
    response = client.post(_edit(tenant), {"subject": "s", "body_text": "t", "action": "save"})
    assert response.status_code == 403
    assert client.post(_edit(tenant) + "reset/").status_code == 403
    assert not MessageTemplate.objects.exists()


def test_outsider_gets_404(tenant, outsider_client):
    for url in (_list(tenant), _edit(tenant)):
        assert outsider_client.get(url).status_code == 404
    for url in (_list(tenant), _edit(tenant), _edit(tenant) + "reset/"):
        assert outsider_client.post(url, {"subject": "s", "body_text": "t"}).status_code == 404


def test_another_organizations_template_is_not_used(tenant, other_tenant):
    MessageTemplate.objects.create(
        organization=other_tenant.org,
        kind="case_created",
        language="en",
        subject="Beta",
        body_text="Beta",
    )
    rendered = render(org=tenant.org, kind="case_created", language="en", values={})
    assert "Beta" not in rendered.subject


def test_settings_tabs_link_to_messages(tenant, admin_client_org):
    html = admin_client_org.get(f"/{tenant.org.slug}/settings/members/").content.decode()
    assert _list(tenant) in html


def test_placeholders_work_in_links_and_a_hostile_value_cannot_make_a_script_link(tenant):
    message_template_save(
        org=tenant.org,
        actor=tenant.admin,
        kind="case_created",
        language="en",
        subject="s",
        body_text="t",
        body_html='<p><a href="{{ link }}">Open</a> <a href="{{ customer_name }}">x</a></p>',
    )

    rendered = render(
        org=tenant.org,
        kind="case_created",
        language="en",
        values={
            "link": "https://saksflyt.example/a/?x=1&y=2",
            "customer_name": "javascript:alert(1)",
        },
    )

    assert 'href="https://saksflyt.example/a/?x=1&amp;y=2"' in rendered.html
    assert "javascript:" not in rendered.html


def test_list_costs_the_same_queries_with_no_and_many_own_templates(tenant, admin_client_org):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_org.get(_list(tenant)).status_code == 200
        return len(ctx.captured_queries)

    count()  # the first request of a session writes the session
    without = count()
    for kind in ("case_created", "mention", "reply", "confirmation", "case_resolved"):
        for language in ("nb", "sv", "da", "en"):
            MessageTemplate.objects.create(
                organization=tenant.org, kind=kind, language=language, subject="s", body_text="t"
            )

    assert count() == without
