"""Sign-in, sign-out, language choice and the landing redirect."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organizations import tenancy
from organizations.forms import LanguageForm, LoginForm
from organizations.middleware import LAST_SEEN_KEY, REMEMBER_KEY
from organizations.models import Invitation, Membership
from organizations.selectors import user_memberships
from organizations.services import user_set_language


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        session = self.request.session
        if form.cleaned_data.get("remember_me"):
            session[REMEMBER_KEY] = True
            session.set_expiry(settings.SESSION_REMEMBER_AGE)
        else:
            session[REMEMBER_KEY] = False
            session.set_expiry(0)  # ends with the browser; the idle timeout applies meanwhile
        session.pop(LAST_SEEN_KEY, None)
        return response


@login_required
def home(request):
    """Send a signed-in user to the inbox of the organization they used last (or their first)."""
    memberships = user_memberships(request.user)
    if not memberships:
        if request.user.is_superuser:
            return redirect("admin:index")
        return redirect("no_organization")
    last = request.session.get("last_org")
    chosen = next((m for m in memberships if m.organization.slug == last), memberships[0])
    if chosen.role == Membership.Role.SUPPLIER:
        return redirect("cases:supplier_work", org_slug=chosen.organization.slug)
    return redirect("cases:inbox", org_slug=chosen.organization.slug)


@login_required
def no_organization(request):
    with tenancy.all_organizations("the signed-in user's own invitations"):
        invitations = list(
            Invitation.objects.filter(user=request.user, expires_at__gt=timezone.now())
            .select_related("organization")
            .order_by("organization__name")
        )
    return render(request, "organizations/no_organization.html", {"invitations": invitations})


@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    # A path on this site only: redirect() would take "name" for a URL name to reverse.
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, request.is_secure()
    ):
        next_url = "/"
    if not form.is_valid():
        messages.error(request, _("That language is not available."))
        return redirect(next_url)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    translation.activate(language)
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        samesite="Lax",
        secure=request.is_secure(),
        max_age=365 * 24 * 3600,
    )
    return response
