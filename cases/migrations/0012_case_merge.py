import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Merging cases: the merged case points to the one it became part of, and the history
    has an entry for it on both cases."""

    dependencies = [
        ("cases", "0011_note_index_with_organization"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="merged_cases",
                to="cases.case",
                verbose_name="merged into",
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("created", "Case created"),
                    ("status", "Status changed"),
                    ("priority", "Priority changed"),
                    ("category", "Category changed"),
                    ("deadline", "Deadline changed"),
                    ("assignee", "Assignee changed"),
                    ("teams", "Teams changed"),
                    ("supplier", "Supplier changed"),
                    ("field", "Field changed"),
                    ("customer", "Customer changed"),
                    ("property", "Property changed"),
                    ("containers", "Containers changed"),
                    ("note", "Note added"),
                    ("task_added", "Task added"),
                    ("task_done", "Task completed"),
                    ("attachment", "Attachment added"),
                    ("time", "Time logged"),
                    ("tags", "Tags changed"),
                    ("closed", "Case closed"),
                    ("reopened", "Case reopened"),
                    ("notification", "Message requested"),
                    ("message_out", "Message sent"),
                    ("message_in", "Message received"),
                    ("merged", "Cases merged"),
                ],
                max_length=16,
                verbose_name="kind",
            ),
        ),
    ]
