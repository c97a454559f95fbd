from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0008_intake_rule_links_with_organization"),
    ]

    operations: list = []
