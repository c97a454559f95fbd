"""Settings → Saved replies: admins list, write, change and delete the organization's canned
responses, which caseworkers insert into the reply composer on the case page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from notifications.models import SavedReply
from notifications.saved_replies import BODY_MAX, TITLE_MAX, saved_reply_delete, saved_reply_save
from organizations.scoping import ADMIN_ROLES, for_org, get_for_org_or_404, org_view
from organizations.web import form_page


class SavedReplyForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy("Inserted into the reply; the caseworker can change it."),
    )


def _list_url(org) -> str:
    return reverse("cases:saved_reply_list", kwargs={"org_slug": org.slug})


@org_view(roles=ADMIN_ROLES)
def saved_reply_list(request):
    replies = for_org(SavedReply, request.org).order_by("title")
    return render(request, "notifications/settings/saved_replies.html", {"replies": replies})


@org_view(roles=ADMIN_ROLES)
def saved_reply_edit(request, saved_reply_id: int | None = None):
    org = request.org
    saved = get_for_org_or_404(SavedReply, org, pk=saved_reply_id) if saved_reply_id else None
    initial = {"title": saved.title, "body": saved.body} if saved else None
    form = SavedReplyForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        save=lambda: saved_reply_save(
            org=org, actor=request.user, saved_reply=saved, **form.cleaned_data
        ),
        saved_message=_("Saved reply saved."),
        success_url=lambda _obj: _list_url(org),
        template="notifications/settings/saved_reply_form.html",
        context={"saved_reply": saved},
    )


@require_POST
@org_view(roles=ADMIN_ROLES)
def saved_reply_delete_view(request, saved_reply_id: int):
    saved = get_for_org_or_404(SavedReply, request.org, pk=saved_reply_id)
    saved_reply_delete(org=request.org, actor=request.user, saved_reply=saved)
    messages.success(request, _("Saved reply deleted."))
    return redirect(_list_url(request.org))
