from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('cases', '0013_search'),
        ('inquiries', '0008_intake_rule_links_with_organization'),
        ('customers', '0005_supplier_users_with_organization'),
        ('properties', '0003_container_id_organization_unique'),
    ]

    operations: list = []
