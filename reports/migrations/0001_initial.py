from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('cases', '0014_dashboard'),
        ('organizations', '0008_business_calendar_and_service_level_emails'),
    ]

    operations: list = []
