"""POST /api/v1/inquiries/: an outside system (a website, an ERP) sends in an inquiry.

The organization is the API key's. The inquiry goes through inquiry_receive like every other
channel, so the organization's intake rule for external inquiries applies (it may open the case
at once).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api import schema as errors
from cases.api.serializers import Unprocessable
from cases.services.attachments import files_removed_on_error
from config.api_query import KnownQueryParameters
from inquiries.api import schema  # noqa: F401  (registers the Api-Key scheme)
from inquiries.api.idempotency import (
    HEADER,
    KEY_SCHEMA,
    body_fields,
    idempotency_answer,
    idempotency_claim,
    idempotency_key_from,
    idempotency_stored,
    request_fingerprint,
)
from inquiries.api.serializers import (
    PUBLIC_NAMES,
    RECEIVE_ARGUMENTS,
    InquiryCreatedSerializer,
    InquiryCreateJsonSerializer,
    InquiryCreateSerializer,
)
from inquiries.models import ApiIdempotencyKey, Channel, Inquiry
from inquiries.services.intake import inquiry_receive

# The body fields the endpoint reads (files apart): only these are stored as the inquiry's
# raw_payload and count for the Idempotency-Key; ignored fields may hold anything.
KNOWN_FIELDS = tuple(RECEIVE_ARGUMENTS)

EXAMPLE = {
    "name": "Kari Nordmann",
    "email": "kari@example.com",
    "phone": "+47 912 34 567",
    "subject": "Dripping tap",
    "message": "The kitchen tap has been dripping since Monday.",
    "address": "Storgata 1, 0155 Oslo",
    "location": "Kitchen",
    "category": "Fault report",
    "external_reference": "WEB-1001",
}


def _answer(inquiry: Inquiry) -> dict:
    return {
        "id": inquiry.pk,
        "status": inquiry.status,
        "case_number": inquiry.case.number if inquiry.case_id else None,
    }


def _replay(stored: ApiIdempotencyKey) -> Response:
    return Response(
        stored.response_body, status=stored.status_code, headers={"Idempotent-Replayed": "true"}
    )


class InquiryCreateView(KnownQueryParameters, APIView):
    http_method_names = ["post", "options"]
    schema = errors.RequiredBodySchema()

    @extend_schema(
        tags=["Inquiries"],
        summary="Send in an inquiry",
        description=(
            "Creates an inquiry in the API key's organization. Send JSON, or multipart/form-data"
            " to attach files (field `attachments`, once per file). Give a `message` (or a"
            " `subject`) and an `email` or a `phone`. Unknown fields are ignored and not"
            " stored.\n\n"
            "Send an `Idempotency-Key` header to make retries safe: the same key with the same"
            " body within 24 hours returns the first answer (same id, same status code) and"
            " creates nothing; the same key with a different body is refused with 422 (fields"
            " the API ignores do not count)."
        ),
        parameters=[
            OpenApiParameter(
                HEADER,
                location=OpenApiParameter.HEADER,
                type=KEY_SCHEMA,
                required=False,
                description=(
                    "Any unique string of 1 to 255 visible ASCII characters (no spaces), e.g. a"
                    " UUID."
                ),
            )
        ],
        request={
            "application/json": InquiryCreateJsonSerializer,
            "multipart/form-data": InquiryCreateSerializer,
        },
        responses={
            201: InquiryCreatedSerializer,
            400: OpenApiResponse(
                errors.ValidationErrorSerializer,
                description=(
                    "Invalid fields (messages per field), a malformed body, or a query"
                    " parameter (this operation has none)."
                ),
            ),
            401: errors.UNAUTHENTICATED,
            413: errors.TOO_LARGE,
            415: errors.UNSUPPORTED,
            422: OpenApiResponse(
                errors.RefusedErrorSerializer,
                description=(
                    "Well-formed, but refused: an attached file's type or content is not"
                    " accepted (`errors` per field), or the Idempotency-Key was used before for"
                    " a different body."
                ),
            ),
            429: errors.THROTTLED,
        },
        examples=[
            OpenApiExample("A fault report", value=EXAMPLE, request_only=True),
            OpenApiExample(
                "Created",
                value={"id": 4711, "status": "new", "case_number": None},
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request):
        org = request.auth.organization
        key = idempotency_key_from(request)
        data = request.data  # parses: 400/413/415 here
        multipart = hasattr(data, "getlist")
        serializer = (InquiryCreateSerializer if multipart else InquiryCreateJsonSerializer)(
            data=data
        )
        # Validated first: the fingerprint then hashes known fields that are plain values.
        serializer.is_valid(raise_exception=True)
        fingerprint = ""
        if key is not None:
            fingerprint = request_fingerprint(request, KNOWN_FIELDS)
            stored = idempotency_stored(org, key, fingerprint)
            if stored is not None:
                return _replay(stored)
        if key is None:  # inquiry_receive is atomic itself: no savepoint round trips needed
            return Response(
                _answer(self._receive(request, serializer)), status=status.HTTP_201_CREATED
            )
        try:
            # Files the inquiry stored are deleted if anything after them fails (at COMMIT too).
            with files_removed_on_error(), transaction.atomic():
                # Claimed before anything is written: a concurrent duplicate fails here.
                claim = idempotency_claim(org=org, key=key, fingerprint=fingerprint)
                inquiry = self._receive(request, serializer)
                body = _answer(inquiry)
                idempotency_answer(claim, status_code=201, body=body)
        except IntegrityError:
            # A concurrent request with the same key committed first: answer as it did.
            stored = idempotency_stored(org, key, fingerprint)
            if stored is None:
                raise
            return _replay(stored)
        return Response(body, status=status.HTTP_201_CREATED)

    def _receive(self, request, serializer: InquiryCreateSerializer) -> Inquiry:
        try:
            return inquiry_receive(
                org=request.auth.organization,
                channel=Channel.API,
                attachments=serializer.validated_data.get("attachments", ()),
                raw_payload=body_fields(request, KNOWN_FIELDS),
                actor=None,
                **serializer.receive_arguments(),
            )
        except DjangoValidationError as exc:
            # The request matched the schema; what intake refuses (a file's type or content) is
            # a 422, with `errors` as for a 400.
            if not hasattr(exc, "error_dict"):
                raise Unprocessable({"non_field_errors": exc.messages}) from exc
            raise Unprocessable(
                {
                    PUBLIC_NAMES.get(field, field): messages
                    for field, messages in exc.message_dict.items()
                }
            ) from exc


class BareBenchView(APIView):
    """bench/api_throughput.py's baseline: DRF parses the JSON, nothing touches the database.
    Answers only when settings.BENCH_BARE_ENDPOINT is on."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(exclude=True)
    def post(self, request):
        if not settings.BENCH_BARE_ENDPOINT:
            raise NotFound()
        serializer = InquiryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"id": 0, "status": "new", "case_number": None}, status=201)
