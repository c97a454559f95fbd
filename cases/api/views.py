"""GET /api/v1/cases/, GET and PATCH /api/v1/cases/<number>/ for integrations.

Authentication, the per-key rate limit and the API-key requirement come from DRF's defaults
(settings.REST_FRAMEWORK); the organization is always the API key's.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import schema as api_docs
from cases.api.selectors import case_for_api, case_list_for_api
from cases.api.serializers import CaseFilterSerializer, CaseSerializer, CaseUpdateSerializer
from cases.models import Case
from cases.services.cases import case_change
from cases.services.service_levels import SlaState
from config.api_query import KnownQueryParameters

TAG = "Cases"


def _comma_list(name: str, values, description: str) -> OpenApiParameter:
    """A query parameter holding one or more of `values`, comma-separated (?status=new,waiting)."""
    return OpenApiParameter(
        name,
        type={"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(values)}},
        location=OpenApiParameter.QUERY,
        required=False,
        style="form",
        explode=False,
        description=description,
    )


# Declared after the filter serializer, so these replace its plain-string status and priority.
LIST_PARAMETERS = [
    CaseFilterSerializer,
    _comma_list(
        "status",
        CaseFilterSerializer.STATUS_VALUES,
        "Statuses, comma-separated; `open` means new, in progress or waiting.",
    ),
    _comma_list("priority", Case.Priority.values, "Priorities, comma-separated."),
    _comma_list(
        "sla_state",
        SlaState.VALUES,
        "Service-level states, comma-separated: on_track, at_risk, breached (a due time has"
        " passed), paused (waiting).",
    ),
]


class CaseCursorPagination(CursorPagination):
    """Newest first; stable under inserts, and every page costs the same (no OFFSET scans)."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """As documented (1 to 200): anything else is a 400, not silently the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not (
            1 <= int(raw) <= self.max_page_size
        ):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters


class CaseListView(KnownQueryParameters, generics.ListAPIView):
    serializer_class = CaseSerializer
    pagination_class = CaseCursorPagination

    def known_query_parameters(self) -> frozenset[str]:
        paging = self.pagination_class
        return frozenset(
            [
                *CaseFilterSerializer().fields,
                paging.cursor_query_param,
                paging.page_size_query_param,
            ]
        )

    @extend_schema(
        tags=[TAG],
        summary="List cases",
        description=(
            "Cases of your organization, newest first, 50 per page (`page_size` up to 200)."
            " Follow `next` for the following page; the cursor stays valid while cases are"
            " added. Poll changes with `updated_since`."
        ),
        parameters=LIST_PARAMETERS,
        responses={
            200: CaseSerializer(many=True),
            400: api_docs.INVALID,
            401: api_docs.UNAUTHENTICATED,
            404: api_docs.error("The `cursor` is not valid."),
            429: api_docs.THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no API key
            return Case.objects.none()
        # A plain dict, not the QueryDict: DRF treats an empty form value of an optional field
        # as absent, but `?status=` is not a status and must be refused as the schema says.
        filters = CaseFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return case_list_for_api(self.request.auth.organization, filters.validated_data)


class CaseDetailView(KnownQueryParameters, APIView):
    http_method_names = ["get", "patch", "head", "options"]
    schema = api_docs.RequiredBodySchema()

    def _case(self, request, number: int) -> Case:
        case = case_for_api(request.auth.organization, number)
        if case is None:
            raise NotFound()
        return case

    @extend_schema(
        tags=[TAG],
        summary="Read a case",
        responses={
            200: CaseSerializer,
            400: api_docs.INVALID,
            401: api_docs.UNAUTHENTICATED,
            404: api_docs.NOT_FOUND,
            429: api_docs.THROTTLED,
        },
    )
    def get(self, request, number: int):
        return Response(CaseSerializer(self._case(request, number)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a case",
        description=(
            "Send only the fields to change. Each changed field is written to the case history"
            " as done through the API (with the key's prefix). Closing needs a resolution."
        ),
        request=CaseUpdateSerializer,
        responses={
            200: CaseSerializer,
            400: api_docs.INVALID,
            401: api_docs.UNAUTHENTICATED,
            404: api_docs.NOT_FOUND,
            413: api_docs.TOO_LARGE,
            415: api_docs.UNSUPPORTED,
            422: OpenApiResponse(
                api_docs.ValidationErrorSerializer,
                description=(
                    "Well-formed, but refused as things stand: an unknown case type key, or"
                    " closing a case that has no resolution; `errors` says which."
                ),
            ),
            429: api_docs.THROTTLED,
        },
    )
    def patch(self, request, number: int):
        case = self._case(request, number)
        serializer = CaseUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_change(
            org=request.auth.organization,
            actor=None,
            case=case,
            event_data={"api_key": request.auth.prefix},
            **serializer.changes_for(case),
        )
        return Response(CaseSerializer(case).data)
