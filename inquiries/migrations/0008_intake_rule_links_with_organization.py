"""An intake rule's assignees and teams become explicit link models carrying the organization
(issue 10).

The tables and their rows stay: each link model takes over its table, gets an `organization_id`
filled from the rule, made NOT NULL and unique with the link. On PostgreSQL intake rules get
UNIQUE (id, organization_id) and both links composite foreign keys to the rule and to the team
or the user's membership in the rule's organization (organizations/links.py).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import organizations.links
from organizations.links import MEMBERSHIP, Side, link_keys, link_organization_backfill, tenant_uniques


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0007_inquiry_deviation_link"),
        ("organizations", "0007_team_members_with_organization"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="IntakeRuleAssignee",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "intakerule",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="inquiries.intakerule",
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
                        "db_table": "inquiries_intakerule_assignees",
                        "unique_together": {("intakerule", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="intakerule",
                    name="assignees",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="assign to users",
                        through="inquiries.IntakeRuleAssignee",
                    ),
                ),
                migrations.CreateModel(
                    name="IntakeRuleTeam",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "intakerule",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="inquiries.intakerule",
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
                    ],
                    options={
                        "db_table": "inquiries_intakerule_teams",
                        "unique_together": {("intakerule", "team")},
                    },
                ),
                migrations.AlterField(
                    model_name="intakerule",
                    name="teams",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        related_name="+",
                        to="organizations.team",
                        verbose_name="assign to teams",
                        through="inquiries.IntakeRuleTeam",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="intakeruleassignee",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("inquiries", "IntakeRuleAssignee", "intakerule"),
        migrations.AlterField(
            model_name="intakeruleassignee",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="intakeruleassignee", unique_together=set()),
        migrations.AddConstraint(
            model_name="intakeruleassignee",
            constraint=models.UniqueConstraint(
                fields=("intakerule", "user", "organization"), name="intake_rule_assignee_unique"
            ),
        ),
        migrations.AddField(
            model_name="intakeruleteam",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("inquiries", "IntakeRuleTeam", "intakerule"),
        migrations.AlterField(
            model_name="intakeruleteam",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="intakeruleteam", unique_together=set()),
        migrations.AddConstraint(
            model_name="intakeruleteam",
            constraint=models.UniqueConstraint(
                fields=("intakerule", "team", "organization"), name="intake_rule_team_unique"
            ),
        ),
        tenant_uniques("inquiries_intakerule"),
        link_keys(
            "inquiries_intakerule_assignees",
            [Side("intakerule_id", "inquiries_intakerule"), Side("user_id", MEMBERSHIP)],
        ),
        link_keys(
            "inquiries_intakerule_teams",
            [Side("intakerule_id", "inquiries_intakerule"), Side("team_id", "organizations_team")],
        ),
    ]
