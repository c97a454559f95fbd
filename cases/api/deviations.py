"""GET /api/v1/deviations/ and /api/v1/deviations/<number>/: the deviation register, read-only.

Like the cases API: the organization is the API key's, unknown query parameters are refused,
list values are comma-separated, and the list pages by cursor (newest first).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import schema as api_docs
from cases.api.serializers import PropertyRefSerializer
from cases.api.views import CaseCursorPagination
from cases.models import Deviation
from config.api_query import KnownQueryParameters
from organizations.models import Organization
from organizations.scoping import for_org

TAG = "Deviations"


class CaseRefSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()


class ResponsibleSerializer(serializers.Serializer):
    name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()


class DeviationSerializer(serializers.ModelSerializer):
    property = PropertyRefSerializer(allow_null=True, read_only=True)
    responsible = ResponsibleSerializer(allow_null=True, read_only=True)
    case = CaseRefSerializer(allow_null=True, read_only=True)
    inquiry_id = serializers.SerializerMethodField(
        help_text="The inquiry this deviation was registered from, if any."
    )

    class Meta:
        model = Deviation
        fields = [
            "number",
            "title",
            "description",
            "type",
            "severity",
            "status",
            "property",
            "location",
            "responsible",
            "corrective_action",
            "due_date",
            "case",
            "inquiry_id",
            "created_at",
            "updated_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_inquiry_id(self, deviation: Deviation) -> int | None:
        try:
            return deviation.inquiry.pk
        except ObjectDoesNotExist:
            return None


class DeviationFilterSerializer(serializers.Serializer):
    """Query parameters of GET /api/v1/deviations/. Lists are comma-separated."""

    status = serializers.CharField(required=False, trim_whitespace=False)
    type = serializers.CharField(required=False, trim_whitespace=False)
    severity = serializers.CharField(required=False, trim_whitespace=False)
    updated_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time; deviations changed at or after it."
    )

    STATUS_VALUES = (*Deviation.Status.values, "open")

    def _choices(self, value: str, allowed) -> list[str]:
        items = value.split(",")
        unknown = [repr(item) for item in items if item not in allowed]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown value: %(values)s.") % {"values": ", ".join(unknown)}
            )
        return items

    def validate_status(self, value: str) -> list[str]:
        return self._choices(value, set(self.STATUS_VALUES))

    def validate_type(self, value: str) -> list[str]:
        return self._choices(value, set(Deviation.Type.values))

    def validate_severity(self, value: str) -> list[str]:
        return self._choices(value, set(Deviation.Severity.values))


def _comma_list(name: str, values, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        type={"type": "array", "minItems": 1, "items": {"type": "string", "enum": list(values)}},
        location=OpenApiParameter.QUERY,
        required=False,
        style="form",
        explode=False,
        description=description,
    )


LIST_PARAMETERS = [
    DeviationFilterSerializer,
    _comma_list(
        "status",
        DeviationFilterSerializer.STATUS_VALUES,
        "Statuses, comma-separated; `open` means open or in treatment.",
    ),
    _comma_list("type", Deviation.Type.values, "Types, comma-separated."),
    _comma_list("severity", Deviation.Severity.values, "Severities, comma-separated."),
]


def _deviations(org: Organization):
    return for_org(Deviation, org).select_related("property", "responsible", "case", "inquiry")


def deviation_list_for_api(org: Organization, filters: dict):
    qs = _deviations(org)
    statuses = filters.get("status") or []
    if "open" in statuses:
        statuses = [s for s in statuses if s != "open"] + list(Deviation.OPEN_STATUSES)
    if statuses:
        qs = qs.filter(status__in=statuses)
    if filters.get("type"):
        qs = qs.filter(type__in=filters["type"])
    if filters.get("severity"):
        qs = qs.filter(severity__in=filters["severity"])
    if filters.get("updated_since"):
        qs = qs.filter(updated_at__gte=filters["updated_since"])
    return qs


class DeviationListView(KnownQueryParameters, generics.ListAPIView):
    serializer_class = DeviationSerializer
    pagination_class = CaseCursorPagination

    def known_query_parameters(self) -> frozenset[str]:
        paging = self.pagination_class
        return frozenset(
            [
                *DeviationFilterSerializer().fields,
                paging.cursor_query_param,
                paging.page_size_query_param,
            ]
        )

    @extend_schema(
        tags=[TAG],
        summary="List deviations",
        description=(
            "Deviations (HSE non-conformances) of your organization, newest first, 50 per page"
            " (`page_size` up to 200). Follow `next` for the following page."
        ),
        parameters=LIST_PARAMETERS,
        responses={
            200: DeviationSerializer(many=True),
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
            return Deviation.objects.none()
        filters = DeviationFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        return deviation_list_for_api(self.request.auth.organization, filters.validated_data)


class DeviationDetailView(KnownQueryParameters, APIView):
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        tags=[TAG],
        summary="Read a deviation",
        responses={
            200: DeviationSerializer,
            400: api_docs.INVALID,
            401: api_docs.UNAUTHENTICATED,
            404: api_docs.NOT_FOUND,
            429: api_docs.THROTTLED,
        },
    )
    def get(self, request, deviation_number: int):
        deviation = _deviations(request.auth.organization).filter(number=deviation_number).first()
        if deviation is None:
            raise NotFound()
        return Response(DeviationSerializer(deviation).data)
