"""Team members become an explicit link model carrying the organization (issue 10).

The table and its rows stay: the link model takes over `organizations_team_members`, gets an
`organization_id` filled from each team, made NOT NULL and unique with the link. On PostgreSQL
teams get UNIQUE (id, organization_id) and the link composite foreign keys to its team and to the
member's membership in that organization (organizations/links.py).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import organizations.links
from organizations.links import MEMBERSHIP, Side, link_keys, link_organization_backfill, tenant_uniques


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0006_audit_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TeamMember",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="organizations.team",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "organizations_team_members",
                        "unique_together": {("team", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="team",
                    name="members",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        related_name="teams",
                        through="organizations.TeamMember",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="members",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="teammember",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("organizations", "TeamMember", "team"),
        migrations.AlterField(
            model_name="teammember",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="teammember", unique_together=set()),
        migrations.AddConstraint(
            model_name="teammember",
            constraint=models.UniqueConstraint(
                fields=("team", "user", "organization"), name="team_member_unique"
            ),
        ),
        tenant_uniques("organizations_team"),
        link_keys(
            "organizations_team_members",
            [Side("team_id", "organizations_team"), Side("user_id", MEMBERSHIP)],
        ),
    ]
