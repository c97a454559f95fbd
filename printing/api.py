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
from config.api_query import KnownQueryParameters
from printing.services.case_pdf import CUSTOMER, STAFF, case_pdf_render
from printing.views.common import pdf_response

# One parameter, so no combination of parameters can ask for notes in a customer printout.
PRINTOUTS = {
    "customer": (CUSTOMER, False),
    "staff": (STAFF, False),
    "staff_with_notes": (STAFF, True),
}


class CasePdfView(KnownQueryParameters, APIView):
    http_method_names = ["get", "head", "options"]
    query_parameters = frozenset({"audience"})

    @extend_schema(
        tags=["Cases"],
        summary="The case as a PDF",
        description=(
            "The case printed on A4: its fields, customer and property, containers, agreement,"
            " description, tasks and the conversation with the customer, in the language of"
            " `Accept-Language` (else the organization's). `audience=customer` (the default)"
            " never contains internal notes; `staff` is the staff printout without them and"
            " `staff_with_notes` adds them."
        ),
        parameters=[
            OpenApiParameter(
                "audience",
                str,
                enum=list(PRINTOUTS),
                required=False,
                description="Who the printout is for (default `customer`).",
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
        printout = PRINTOUTS.get(request.query_params.get("audience", "customer"))
        if printout is None:
            raise ValidationError({"audience": [_("Choose customer, staff or staff_with_notes.")]})
        audience, include_notes = printout
        case = case_for_api(org, number)
        if case is None:
            raise NotFound()
        rendered = case_pdf_render(
            org,
            case.number,
            audience=audience,
            include_notes=include_notes,
            language=translation.get_language(),
        )
        return pdf_response(rendered.content, rendered.filename)
