"""A case's teams, containers and tags and a note's mentions become explicit link models
carrying the organization (issue 10).

The tables and their rows stay: each link model takes over its table, gets an `organization_id`
filled from the case or note, made NOT NULL and unique with the link. On PostgreSQL cases, tags
and notes get UNIQUE (id, organization_id) (containers in properties 0003, teams in
organizations 0007) and every link composite foreign keys to both of its rows in its
organization; a mention's user is referenced through the membership (organizations/links.py).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import organizations.links
from organizations.links import MEMBERSHIP, Side, link_keys, link_organization_backfill, tenant_uniques


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_deviations_and_tasks_on_deviations"),
        ("organizations", "0007_team_members_with_organization"),
        ("properties", "0003_container_id_organization_unique"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CaseTeam",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="cases.case",
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
                        "db_table": "cases_case_teams",
                        "unique_together": {("case", "team")},
                    },
                ),
                migrations.AlterField(
                    model_name="case",
                    name="teams",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        related_name="cases",
                        to="organizations.team",
                        verbose_name="teams",
                        through="cases.CaseTeam",
                    ),
                ),
                migrations.CreateModel(
                    name="CaseContainer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="cases.case",
                            ),
                        ),
                        (
                            "container",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="properties.container",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_case_containers",
                        "unique_together": {("case", "container")},
                    },
                ),
                migrations.AlterField(
                    model_name="case",
                    name="containers",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        related_name="cases",
                        to="properties.container",
                        verbose_name="containers",
                        through="cases.CaseContainer",
                    ),
                ),
                migrations.CreateModel(
                    name="CaseTag",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="cases.case",
                            ),
                        ),
                        (
                            "tag",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="cases.tag",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "cases_case_tags",
                        "unique_together": {("case", "tag")},
                    },
                ),
                migrations.AlterField(
                    model_name="case",
                    name="tags",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        related_name="cases",
                        to="cases.tag",
                        verbose_name="tags",
                        through="cases.CaseTag",
                    ),
                ),
                migrations.CreateModel(
                    name="NoteMention",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "note",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="cases.note",
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
                        "db_table": "cases_note_mentions",
                        "unique_together": {("note", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="note",
                    name="mentions",
                    field=organizations.links.TenantManyToManyField(
                        blank=True,
                        related_name="mentioned_in_notes",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="mentioned",
                        through="cases.NoteMention",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="caseteam",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("cases", "CaseTeam", "case"),
        migrations.AlterField(
            model_name="caseteam",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="caseteam", unique_together=set()),
        migrations.AddConstraint(
            model_name="caseteam",
            constraint=models.UniqueConstraint(
                fields=("case", "team", "organization"), name="case_team_unique"
            ),
        ),
        migrations.AddField(
            model_name="casecontainer",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("cases", "CaseContainer", "case"),
        migrations.AlterField(
            model_name="casecontainer",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="casecontainer", unique_together=set()),
        migrations.AddConstraint(
            model_name="casecontainer",
            constraint=models.UniqueConstraint(
                fields=("case", "container", "organization"), name="case_container_unique"
            ),
        ),
        migrations.AddField(
            model_name="casetag",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("cases", "CaseTag", "case"),
        migrations.AlterField(
            model_name="casetag",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="casetag", unique_together=set()),
        migrations.AddConstraint(
            model_name="casetag",
            constraint=models.UniqueConstraint(
                fields=("case", "tag", "organization"), name="case_tag_unique"
            ),
        ),
        migrations.AddField(
            model_name="notemention",
            name="organization",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        link_organization_backfill("cases", "NoteMention", "note"),
        migrations.AlterField(
            model_name="notemention",
            name="organization",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="organizations.organization",
                verbose_name="organization",
            ),
        ),
        migrations.AlterUniqueTogether(name="notemention", unique_together=set()),
        migrations.AddConstraint(
            model_name="notemention",
            constraint=models.UniqueConstraint(
                fields=("note", "user", "organization"), name="note_mention_unique"
            ),
        ),
        tenant_uniques("cases_case", "cases_tag", "cases_note"),
        link_keys(
            "cases_case_teams",
            [Side("case_id", "cases_case"), Side("team_id", "organizations_team")],
        ),
        link_keys(
            "cases_case_containers",
            [Side("case_id", "cases_case"), Side("container_id", "properties_container")],
        ),
        link_keys(
            "cases_case_tags", [Side("case_id", "cases_case"), Side("tag_id", "cases_tag")]
        ),
        link_keys(
            "cases_note_mentions", [Side("note_id", "cases_note"), Side("user_id", MEMBERSHIP)]
        ),
    ]
