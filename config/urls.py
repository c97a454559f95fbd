from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.static import serve

from config import site
from inquiries import webform
from organizations.forms import OutboxPasswordResetForm
from organizations.views import auth, health
from organizations.views.logo import organization_logo

account_patterns = [
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", auth.set_language, name="set_language"),
    path("no-organization/", auth.no_organization, name="no_organization"),
    path(
        "password-reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

org_patterns = [
    path("", include("cases.urls")),
    path("customers/", include("customers.urls")),
    path("properties/", include("properties.urls")),
    path("inquiries/", include("inquiries.urls")),
    path("notifications/", include("notifications.urls")),
    path("settings/messages/", include("notifications.urls_templates")),
    path("settings/privacy/", include("privacy.urls")),
    path("settings/inquiry-forms/", include("portal.urls_settings")),
    path("print/", include("printing.urls")),
    path("search/", include("search.urls")),
    path("reports/", include("reports.urls")),
    path("", include("portal.urls_staff")),
    path("", include("organizations.urls")),
]

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", site.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("", auth.home, name="home"),
    path("api/", include("config.api_urls")),
    path("webhooks/inbound-email/", include("inquiries.email.urls")),
    path("hooks/", include("notifications.webhooks")),  # delivery reports (not per org)
    path("form/<slug:org_slug>/", webform.webform, name="inquiry_webform"),
    path("form/<slug:org_slug>/thanks/", webform.webform_thanks, name="inquiry_webform_thanks"),
    path("portal/<slug:org_slug>/", include("portal.urls")),
    path("form/<slug:org_slug>/logo", organization_logo, name="organization_logo"),
    path("<slug:org_slug>/", include(org_patterns)),
]

if settings.DEBUG:
    urlpatterns.insert(0, path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
