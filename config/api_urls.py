"""The HTTP API under /api/: version 1, its OpenAPI schema and browsable documentation."""

from django.conf import settings
from django.db.transaction import non_atomic_requests
from django.urls import path, re_path
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cases.api.deviations import DeviationDetailView, DeviationListView
from cases.api.views import CaseDetailView, CaseListView
from config.api_errors import api_not_found
from inquiries.api.views import BareBenchView, InquiryCreateView
from printing.api import CasePdfView

app_name = "api"


class SchemaView(SpectacularAPIView):
    """The schema in English whatever the caller's language: its descriptions are English, and
    field titles from model verbose names would otherwise mix in the request's language."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
            response.render()  # resolve lazy texts while English is active
        return response


urlpatterns = [
    path("v1/inquiries/", InquiryCreateView.as_view(), name="inquiry_create"),
    path("v1/cases/", CaseListView.as_view(), name="case_list"),
    path("v1/cases/<int:number>/", CaseDetailView.as_view(), name="case_detail"),
    path("v1/cases/<int:number>/pdf", CasePdfView.as_view(), name="case_pdf"),
    path("v1/deviations/", DeviationListView.as_view(), name="deviation_list"),
    path(
        "v1/deviations/<int:deviation_number>/",
        DeviationDetailView.as_view(),
        name="deviation_detail",
    ),
    # The schema and its docs read no rows: no request transaction (ATOMIC_REQUESTS).
    path("schema/", non_atomic_requests(SchemaView.as_view()), name="schema"),
    path(
        "docs/",
        non_atomic_requests(SpectacularSwaggerView.as_view(url_name="api:schema")),
        name="docs",
    ),
]
if settings.BENCH_BARE_ENDPOINT:
    urlpatterns.append(path("v1/_bare/", BareBenchView.as_view(), name="bench_bare"))
# Last: anything else under /api/ answers 404 in JSON, not with an HTML page, for any method.
# Exempt from CSRF: API clients send no CSRF token, and without the exemption a POST, PATCH or
# DELETE to an unknown address would get Django's HTML "CSRF verification failed" 403 instead.
urlpatterns.append(re_path(r"^.*$", csrf_exempt(api_not_found)))
