# The inbox's "my teams' unassigned cases" read from one covering partial index.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial_cases_history_notes_tasks"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True)),
                fields=["organization", "id"],
                include=("status", "first_response_at", "created_at"),
                name="case_unassigned_idx",
            ),
        ),
    ]
