"""The organization's printing settings (admins): the label format."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.scoping import ADMIN_ROLES, org_view
from organizations.web import form_page
from printing.forms import PrintSettingsForm
from printing.selectors import org_label_format
from printing.services.settings import print_settings_save


@org_view(roles=ADMIN_ROLES)
def print_settings(request: HttpRequest) -> HttpResponse:
    form = PrintSettingsForm(
        request.POST or None, initial={"label_format": org_label_format(request.org).key}
    )
    return form_page(
        request,
        form,
        save=lambda: print_settings_save(
            org=request.org, actor=request.user, label_format=form.cleaned_data["label_format"]
        ),
        saved_message=_("Printing settings saved."),
        success_url=lambda _saved: reverse(
            "printing:settings", kwargs={"org_slug": request.org.slug}
        ),
        template="printing/settings.html",
        context={},
    )
