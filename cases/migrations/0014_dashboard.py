from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_search"),
    ]

    operations: list = []
