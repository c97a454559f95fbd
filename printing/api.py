"""GET /api/v1/cases/<number>/pdf: the case as a PDF for integrations (the API key's
organization; other organizations' cases are 404 like any unknown number)."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.views import APIView

from cases.api import schema as api_docs
from cases.api.selectors import case_for_api
from printing.services.case_pdf import AUDIENCES, CUSTOMER, STAFF, case_pdf_render
from printing.views.common import pdf_response

TRUE, FALSE = ("1", "true", "yes"), ("", "0", "false", "no")


class CasePdfView(APIView):
    http_method_names = ["get", "head", "options"]

    @extend_schema(
        tags=["Cases"],
        summary="The case as a PDF",
        description=(
            "The case printed on A4: its fields, customer and property, containers, agreement,"
            " description, tasks and the conversation with the customer, in the language of"
            " `Accept-Language` (else the organization's). `audience=customer` (the default)"
            " never contains internal notes; `audience=staff&internal_notes=true` adds them."
        ),
        parameters=[
            OpenApiParameter(
                "audience",
                str,
                enum=list(AUDIENCES),
                required=False,
                description="Who the printout is for (default `customer`).",
            ),
            OpenApiParameter(
                "internal_notes",
                bool,
                required=False,
                description="Include internal notes (only with `audience=staff`).",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The PDF (`Content-Disposition: inline`)."
            ),
            400: api_docs.INVALID,
            401: api_docs.UNAUTHENTICATED,
            404: api_docs.NOT_FOUND,
            429: api_docs.THROTTLED,
        },
    )
    def get(self, request, number: int):
        org = request.auth.organization
        audience = request.query_params.get("audience", CUSTOMER)
        notes = (request.query_params.get("internal_notes") or "").lower()
        errors = {}
        if audience not in AUDIENCES:
            errors["audience"] = [_("Choose customer or staff.")]
        if notes not in TRUE + FALSE:
            errors["internal_notes"] = [_("Give true or false.")]
        elif notes in TRUE and audience != STAFF:
            errors["internal_notes"] = [_("Internal notes are only printed for staff.")]
        if errors:
            raise ValidationError(errors)
        case = case_for_api(org, number)
        if case is None:
            raise NotFound()
        rendered = case_pdf_render(
            org,
            case.number,
            audience=audience,
            include_notes=notes in TRUE,
            language=translation.get_language(),
        )
        return pdf_response(rendered.content, rendered.filename)
