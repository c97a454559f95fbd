# "Assigned to me" and "created by me" read from the index alone (index-only scans): the inbox
# counts and pages then touch no table rows for these parts.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_inbox_unassigned_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="case", name="case_org_assignee_idx"),
        migrations.RemoveIndex(model_name="case", name="case_org_creator_idx"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organization", "assignee", "status"],
                include=("first_response_at", "created_at", "id"),
                name="case_org_assignee_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["organization", "created_by", "status"],
                include=("first_response_at", "created_at", "id"),
                name="case_org_creator_idx",
            ),
        ),
    ]
