from django.db import migrations, models

MESSAGE_KINDS = [
    ("case_created", "Case created (to the customer)"),
    ("supplier_handover", "Case handed to a supplier"),
    ("reply", "Reply from a caseworker"),
    ("confirmation", "Inquiry received (confirmation)"),
    ("task_assigned", "Task assigned"),
    ("mention", "Mentioned in a note"),
    ("case_resolved", "Case resolved"),
    ("assigned", "Case assigned"),
    ("forward", "Forwarded to an external contact"),
    ("invitation", "Invitation"),
    ("password_reset", "Password reset"),
    ("service_level", "Service level at risk or missed"),
    ("task_done", "Task completed"),
    ("other", "Other"),
]


class Migration(migrations.Migration):
    """The notices of a caseworker's day: a task done on your case, a case handed to your
    company (choices only, no schema change)."""

    dependencies = [
        ("notifications", "0003_service_level_notifications"),
    ]

    operations = [
        migrations.AlterField(
            model_name="messagetemplate",
            name="kind",
            field=models.CharField(choices=MESSAGE_KINDS, max_length=20, verbose_name="message"),
        ),
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(
                choices=[
                    ("mention", "Mentioned in a note"),
                    ("assigned", "Case assigned to you"),
                    ("task", "Task given to you"),
                    ("service_level", "Service level at risk or missed"),
                    ("task_done", "Task completed on your case"),
                    ("supplier", "Case handed to your company"),
                    ("other", "Other"),
                ],
                default="other",
                max_length=16,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="outboundmessage",
            name="kind",
            field=models.CharField(
                choices=MESSAGE_KINDS, default="other", max_length=20, verbose_name="kind"
            ),
        ),
    ]
