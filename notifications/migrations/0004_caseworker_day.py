from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_service_level_notifications"),
    ]

    operations: list = []
