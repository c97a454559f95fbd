"""Sign-in pages: ask for a link, password sign-in, open a link, register, sign out, language."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organizations.http import client_ip
from organizations.web import add_service_errors
from portal.auth import LANGUAGE_SESSION_KEY, portal_view, resident_login, resident_logout
from portal.forms import LinkRequestForm, PasswordLoginForm, PasswordSetForm, RegisterForm
from portal.models import PortalToken
from portal.services.accounts import (
    LANGUAGE_CODES,
    account_language_set,
    link_use,
    password_set,
    registration_start,
    self_registration_allowed,
)
from portal.services.signin import client_over_limit, login_link_request, password_authenticate
from portal.tokens import EXPIRED, OTHER_ORGANIZATION, USED, token_check
from portal.views.common import portal_home, portal_render, safe_next

Purpose = PortalToken.Purpose


def _login_page(request, link_form, password_form, status=200) -> HttpResponse:
    return portal_render(
        request,
        "portal/login.html",
        {
            "link_form": link_form,
            "password_form": password_form,
            "next": safe_next(request, request.GET.get("next") or request.POST.get("next"), ""),
            "can_register": self_registration_allowed(request.org),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@portal_view(signed_in=False)
def login(request: HttpRequest) -> HttpResponse:
    org = request.org
    if request.resident is not None and request.method == "GET":
        return redirect(portal_home(org))
    link_form = LinkRequestForm(prefix="link")
    password_form = PasswordLoginForm(prefix="pw")
    if request.method == "GET":
        return _login_page(request, link_form, password_form)
    action = request.POST.get("action")
    if action == "password":
        password_form = PasswordLoginForm(request.POST, prefix="pw")
    else:
        link_form = LinkRequestForm(request.POST, prefix="link")
    if client_over_limit(org, client_ip(request)):
        form = password_form if action == "password" else link_form
        form.is_valid()
        form.add_error(
            None, _("Too many sign-in attempts from your network. Try again in an hour.")
        )
        return _login_page(request, link_form, password_form, status=429)
    if action == "password":
        if not password_form.is_valid():
            return _login_page(request, link_form, password_form, status=400)
        account = password_authenticate(
            org=org,
            email=password_form.cleaned_data["email"],
            password=password_form.cleaned_data["password"],
        )
        if account is None:
            password_form.add_error(
                None,
                _(
                    "The e-mail address or the password is wrong. You can also ask for a "
                    "sign-in link."
                ),
            )
            return _login_page(request, link_form, password_form, status=400)
        resident_login(request, account)
        return redirect(safe_next(request, request.POST.get("next"), portal_home(org)))
    if not link_form.is_valid():
        return _login_page(request, link_form, password_form, status=400)
    login_link_request(
        org=org, email=link_form.cleaned_data["email"], language=request.LANGUAGE_CODE
    )
    # The same redirect whether or not the address has an account.
    return redirect(reverse("portal:link_sent", args=[org.slug]))


@portal_view(signed_in=False)
def link_sent(request: HttpRequest) -> HttpResponse:
    return portal_render(request, "portal/link_sent.html")


def _link_failed(request: HttpRequest, problem: str) -> HttpResponse:
    texts = {
        USED: _("This link has already been used. Each link works only once."),
        EXPIRED: _("This link has expired."),
        OTHER_ORGANIZATION: _(
            "This link belongs to another organization's resident pages, not to %(name)s's."
        )
        % {"name": request.org.name},
        "closed": _("Registration is closed on these resident pages."),
    }
    text = texts.get(problem, _("This link is not valid. Check that you copied all of it."))
    status = 410 if problem in (USED, EXPIRED) else 404
    return portal_render(request, "portal/link_failed.html", {"problem": text}, status=status)


@require_http_methods(["GET", "POST"])
@portal_view(signed_in=False)
def link(request: HttpRequest, token: str) -> HttpResponse:
    """An e-mailed link: GET shows what it does and a button; the POST spends it."""
    org = request.org
    checked = token_check(org, token)
    if checked.problem:
        return _link_failed(request, checked.problem)
    purpose = checked.token.purpose
    if purpose == Purpose.REGISTER and not self_registration_allowed(org):
        return _link_failed(request, "closed")
    password_form = PasswordSetForm() if purpose == Purpose.INVITE else None
    if request.method == "POST":
        if purpose == Purpose.INVITE:
            password_form = PasswordSetForm(request.POST)
            if password_form.is_valid():
                try:
                    # Checked before the link is spent, so a refused password loses nothing.
                    password_set(
                        org=org,
                        account=checked.token.account,
                        password=password_form.cleaned_data["password"],
                        repeat=password_form.cleaned_data["repeat"],
                    )
                except ValidationError as exc:
                    add_service_errors(password_form, exc)
            if not password_form.is_valid():
                return portal_render(
                    request,
                    "portal/link.html",
                    {"purpose": purpose, "password_form": password_form},
                    status=400,
                )
        account, problem = link_use(org=org, raw=token, language=request.LANGUAGE_CODE)
        if account is None:
            return _link_failed(request, problem)
        resident_login(request, account)
        return redirect(portal_home(org))
    return portal_render(
        request, "portal/link.html", {"purpose": purpose, "password_form": password_form}
    )


@require_POST
@portal_view(signed_in=False)
def logout(request: HttpRequest) -> HttpResponse:
    resident_logout(request, request.org)
    return redirect(reverse("portal:login", args=[request.org.slug]))


@require_http_methods(["GET", "POST"])
@portal_view(signed_in=False)
def register(request: HttpRequest) -> HttpResponse:
    org = request.org
    if not self_registration_allowed(org):
        raise Http404
    form = RegisterForm(request.POST or None)
    if request.method == "POST":
        if client_over_limit(org, client_ip(request)):
            form.is_valid()
            form.add_error(None, _("Too many attempts from your network. Try again in an hour."))
            return portal_render(request, "portal/register.html", {"form": form}, status=429)
        if form.is_valid():
            try:
                registration_start(
                    org=org,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    language=request.LANGUAGE_CODE,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(reverse("portal:link_sent", args=[org.slug]))
        return portal_render(request, "portal/register.html", {"form": form}, status=400)
    return portal_render(request, "portal/register.html", {"form": form})


@require_POST
@portal_view(signed_in=False)
def language(request: HttpRequest) -> HttpResponse:
    """The language switcher: kept in the session, and on the account when signed in."""
    code = request.POST.get("language", "")
    if code in LANGUAGE_CODES:
        request.session[LANGUAGE_SESSION_KEY] = code
        if request.resident is not None:
            account_language_set(org=request.org, account=request.resident, language=code)
    default = portal_home(request.org)
    return redirect(safe_next(request, request.POST.get("next"), default))
