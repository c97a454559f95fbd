"""What the cases API reads and writes. Field names are a public contract: add, never rename."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, status

from cases.api.selectors import category_by_key
from cases.models import Case
from cases.services.service_levels import SlaState, case_sla_state


class StrictCharField(serializers.CharField):
    """A string, as the schema says: DRF's CharField would turn 12 or true into "12", "True"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictEmailField(serializers.EmailField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictSlugField(serializers.SlugField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class CategoryRefSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="Stable name of the case type, e.g. warranty_claim.")
    name = serializers.CharField()


class CustomerRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()


class PropertyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    property_number = serializers.CharField()
    address = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    category = CategoryRefSerializer(allow_null=True, read_only=True)
    customer = CustomerRefSerializer(allow_null=True, read_only=True)
    property = PropertyRefSerializer(allow_null=True, read_only=True)
    inquiry_id = serializers.SerializerMethodField(
        help_text="The inquiry (POST /api/v1/inquiries/) this case was made from, if any."
    )
    sla_state = serializers.SerializerMethodField(
        help_text=(
            "Service level now: `on_track`, `at_risk` (the at-risk share of a target has"
            " passed), `breached` (a due time has passed), `paused` (waiting: the clocks stand"
            " still), or null (no running target: no service level applies, or the case is"
            " resolved or closed)."
        )
    )

    class Meta:
        model = Case
        fields = [
            "number",
            "title",
            "description",
            "status",
            "priority",
            "category",
            "source",
            "contact_method",
            "deadline",
            "external_reference",
            "resolution",
            "customer",
            "property",
            "inquiry_id",
            "first_response_due",
            "resolution_due",
            "sla_state",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": [*SlaState.VALUES, None], "nullable": True})
    def get_sla_state(self, case: Case) -> str | None:
        return case_sla_state(case)

    def get_inquiry_id(self, case: Case) -> int | None:
        try:
            return case.inquiry.pk
        except ObjectDoesNotExist:
            return None


class CaseUpdateSerializer(serializers.Serializer):
    """PATCH: send only the fields to change."""

    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    priority = serializers.ChoiceField(choices=Case.Priority.choices, required=False)
    deadline = serializers.DateField(required=False, allow_null=True)
    # Not trimmed before the length check (the schema's maxLength is on the value as sent);
    # changes_for trims what is stored.
    external_reference = StrictCharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        max_length=Case._meta.get_field("external_reference").max_length,
    )
    resolution = StrictCharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=20_000
    )
    category = StrictSlugField(
        required=False,
        allow_null=True,
        max_length=40,
        help_text="The case type's key (see `category.key`); null removes the category.",
    )

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send at least one field to change.")]}
            )
        return attrs

    def changes_for(self, case: Case) -> dict:
        """The validated changes, checked against the case and the organization's case types:
        a well-formed request that they refuse gets 422 (the schema cannot know them)."""
        changes = dict(self.validated_data)
        for name in ("external_reference", "resolution"):
            if name in changes:
                changes[name] = changes[name].strip()
        key = changes.get("category")
        if key is not None:
            changes["category"] = category_by_key(case.organization, key)
            if changes["category"] is None:
                raise Unprocessable({"category": [_("No active case type has this key.")]})
        status = changes.get("status", case.status)
        resolution = changes.get("resolution", case.resolution)
        if status == Case.Status.CLOSED and not (resolution or "").strip():
            raise Unprocessable(
                {"resolution": [_("Describe how the case was solved before closing it.")]}
            )
        return changes


class Unprocessable(serializers.ValidationError):
    """Valid input the current state refuses: 422 with `errors`, like a 400."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


class CaseFilterSerializer(serializers.Serializer):
    """Query parameters of GET /api/v1/cases/. Lists are comma-separated: ?status=new,waiting"""

    # Not trimmed: the schema lists the exact values (see cases.api.views.LIST_PARAMETERS).
    status = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="Comma-separated statuses (new, in_progress, waiting, resolved, closed) or open.",
    )
    priority = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="Comma-separated priorities (low, normal, high, critical).",
    )
    category = serializers.SlugField(required=False, help_text="A case type's key.")
    external_reference = serializers.CharField(
        required=False, max_length=100, trim_whitespace=False
    )
    customer_email = serializers.EmailField(required=False)
    q = serializers.CharField(
        required=False,
        max_length=200,
        help_text=(
            "Search text: cases whose number, title, description, reference, notes or messages"
            " contain every word, stemmed in the organization's language (vindu finds"
            " vinduer). The order stays newest first."
        ),
    )
    created_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time; cases created at or after it."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time; cases changed at or after it."
    )
    sla_state = serializers.CharField(
        required=False,
        trim_whitespace=False,
        help_text="Comma-separated service-level states (on_track, at_risk, breached, paused).",
    )

    def _choices(self, value: str, allowed: set[str]) -> list[str]:
        # Exactly as documented: values separated by commas, no blanks or empty items.
        items = value.split(",")
        unknown = [repr(item) for item in items if item not in allowed]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown value: %(values)s.") % {"values": ", ".join(unknown)}
            )
        return items

    STATUS_VALUES = (*Case.Status.values, "open")

    def validate_status(self, value: str) -> list[str]:
        return self._choices(value, set(self.STATUS_VALUES))

    def validate_priority(self, value: str) -> list[str]:
        return self._choices(value, set(Case.Priority.values))

    def validate_sla_state(self, value: str) -> list[str]:
        return self._choices(value, set(SlaState.VALUES))
