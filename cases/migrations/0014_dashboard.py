"""The dashboard's covering indexes (reports/dashboard/grouped.py): open cases, and cases by
creation, resolution and first-response time, each including the columns the dashboard groups
and filters by, so its scans are index-only."""

from django.conf import settings
from django.db import migrations, models

GROUPS = ("source", "category", "assignee", "supplier", "property", "id")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_search"),
        ("customers", "0005_supplier_users_with_organization"),
        ("organizations", "0008_business_calendar_and_service_level_emails"),
        ("properties", "0003_container_id_organization_unique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status__in", ["new", "in_progress", "waiting"])),
                fields=["organization"],
                include=(*GROUPS, "deadline", "sla_next_due"),
                name="case_dash_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organization", "created_at"],
                include=GROUPS,
                name="case_dash_created_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("resolved_at__isnull", False)),
                fields=["organization", "resolved_at"],
                include=(*GROUPS, "created_at", "resolution_due"),
                name="case_dash_resolved_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("first_response_at__isnull", False)),
                fields=["organization", "first_response_at"],
                include=(*GROUPS, "created_at", "first_response_due"),
                name="case_dash_answered_idx",
            ),
        ),
    ]
