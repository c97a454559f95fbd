"""What the cases API reads and writes. Field names are a public contract: add, never rename."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.api.selectors import category_by_key
from cases.models import Case


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
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields

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
    external_reference = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=Case._meta.get_field("external_reference").max_length,
    )
    resolution = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    category = serializers.SlugField(
        required=False,
        allow_null=True,
        max_length=40,
        help_text="The case type's key (see `category.key`); null removes the category.",
    )

    def validate_category(self, value: str | None):
        if value is None:
            return None
        category = category_by_key(self.context["case"].organization, value)
        if category is None:
            raise serializers.ValidationError(_("No active case type has this key."))
        return category

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Send at least one field to change.")]}
            )
        case: Case = self.context["case"]
        status = attrs.get("status", case.status)
        resolution = attrs.get("resolution", case.resolution)
        if status == Case.Status.CLOSED and not (resolution or "").strip():
            raise serializers.ValidationError(
                {"resolution": [_("Describe how the case was solved before closing it.")]}
            )
        return attrs


class CaseFilterSerializer(serializers.Serializer):
    """Query parameters of GET /api/v1/cases/. Lists are comma-separated: ?status=new,waiting"""

    status = serializers.CharField(
        required=False,
        help_text="Comma-separated statuses (new, in_progress, waiting, resolved, closed) or open.",
    )
    priority = serializers.CharField(
        required=False, help_text="Comma-separated priorities (low, normal, high, critical)."
    )
    category = serializers.SlugField(required=False, help_text="A case type's key.")
    external_reference = serializers.CharField(required=False, max_length=100)
    customer_email = serializers.EmailField(required=False)
    created_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time; cases created at or after it."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="ISO 8601 date or date-time; cases changed at or after it."
    )

    def _choices(self, value: str, allowed: set[str]) -> list[str]:
        items = [item.strip() for item in value.split(",") if item.strip()]
        unknown = [item for item in items if item not in allowed]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown value: %(values)s.") % {"values": ", ".join(unknown)}
            )
        return items

    def validate_status(self, value: str) -> list[str]:
        return self._choices(value, set(Case.Status.values) | {"open"})

    def validate_priority(self, value: str) -> list[str]:
        return self._choices(value, set(Case.Priority.values))
