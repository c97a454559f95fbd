from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_note_index_with_organization"),
    ]

    operations: list = []
