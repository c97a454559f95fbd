"""The web form's spam check says what went wrong and which files to choose again (issue 14)."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inquiries.models import Inquiry
from inquiries.webform import form_token
from tests.inquiries.conftest import png_bytes
from tests.inquiries.test_webform import fields, url


@pytest.mark.parametrize(
    ("age", "says"),
    [
        (2 * 24 * 3600, "This form was open for more than a day"),
        (0, "faster than a person can fill it in"),
    ],
)
def test_the_refusal_says_why_and_names_the_files_to_choose_again(tenant, age, says):
    data = fields(
        tenant.org,
        token=form_token(tenant.org, issued_at=time.time() - age),
        attachments=[SimpleUploadedFile("crack.png", png_bytes())],
    )
    response = Client().post(url(tenant.org), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert says in form.non_field_errors()[0]
    assert "Your entries are kept below" in form.non_field_errors()[0]
    assert form.errors["attachments"] == [
        "Choose “crack.png” again: a form shown again cannot keep its files."
    ]
    html = response.content.decode()
    assert "The kitchen tap drips all night." in html
    assert not Inquiry.objects.exists()


def test_a_forged_token_is_refused_with_its_own_reason(tenant):
    response = Client().post(url(tenant.org), fields(tenant.org, token="forged"))
    assert "could not be checked against spam" in response.context["form"].non_field_errors()[0]
    assert "attachments" not in response.context["form"].errors  # no files were chosen


def test_a_field_error_also_names_the_files_to_choose_again(tenant):
    data = fields(
        tenant.org,
        email="",
        attachments=[
            SimpleUploadedFile("a.png", png_bytes()),
            SimpleUploadedFile("b.png", png_bytes()),
        ],
    )
    response = Client().post(url(tenant.org), data)
    errors = response.context["form"].errors
    assert "email" in errors
    assert errors["attachments"] == [
        "Choose these files again: “a.png”, “b.png”. A form shown again cannot keep its files."
    ]


def test_another_organizations_token_is_refused(tenant, other_tenant):
    token = form_token(other_tenant.org, issued_at=time.time() - 60)
    response = Client().post(url(tenant.org), fields(tenant.org, token=token))
    assert "could not be checked against spam" in response.context["form"].non_field_errors()[0]
    assert not Inquiry.objects.exists()
