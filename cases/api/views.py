"""GET /api/v1/cases/, GET and PATCH /api/v1/cases/<number>/ for integrations.

Authentication, the per-key rate limit and the API-key requirement come from DRF's defaults
(settings.REST_FRAMEWORK); the organization is always the API key's.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import schema
from cases.api.selectors import case_for_api, case_list_for_api
from cases.api.serializers import CaseFilterSerializer, CaseSerializer, CaseUpdateSerializer
from cases.models import Case
from cases.services.cases import case_change

TAG = "Cases"


class CaseCursorPagination(CursorPagination):
    """Newest first; stable under inserts, and every page costs the same (no OFFSET scans)."""

    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class CaseListView(generics.ListAPIView):
    serializer_class = CaseSerializer
    pagination_class = CaseCursorPagination

    @extend_schema(
        tags=[TAG],
        summary="List cases",
        description=(
            "Cases of your organization, newest first, 50 per page (`page_size` up to 200)."
            " Follow `next` for the following page; the cursor stays valid while cases are"
            " added. Poll changes with `updated_since`."
        ),
        parameters=[CaseFilterSerializer],
        responses={
            200: CaseSerializer(many=True),
            400: schema.INVALID,
            401: schema.UNAUTHENTICATED,
            404: schema.error("The `cursor` is not valid."),
            429: schema.THROTTLED,
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no API key
            return Case.objects.none()
        filters = CaseFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return case_list_for_api(self.request.auth.organization, filters.validated_data)


class CaseDetailView(APIView):
    http_method_names = ["get", "patch", "head", "options"]

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
            401: schema.UNAUTHENTICATED,
            404: schema.NOT_FOUND,
            429: schema.THROTTLED,
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
            400: schema.INVALID,
            401: schema.UNAUTHENTICATED,
            404: schema.NOT_FOUND,
            413: schema.TOO_LARGE,
            415: schema.UNSUPPORTED,
            429: schema.THROTTLED,
        },
    )
    def patch(self, request, number: int):
        case = self._case(request, number)
        serializer = CaseUpdateSerializer(data=request.data, context={"case": case})
        serializer.is_valid(raise_exception=True)
        case_change(
            org=request.auth.organization,
            actor=None,
            case=case,
            event_data={"api_key": request.auth.prefix},
            **serializer.validated_data,
        )
        return Response(CaseSerializer(case).data)
