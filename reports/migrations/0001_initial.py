import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import reports.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ('cases', '0014_dashboard'),
        ('organizations', '0008_business_calendar_and_service_level_emails'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ExportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('format', models.CharField(choices=[('csv', 'CSV'), ('xlsx', 'XLSX')], max_length=4, verbose_name='format')),
                ('query', models.CharField(blank=True, max_length=2000, verbose_name='filter and sort')),
                ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                ('time_zone', models.CharField(blank=True, max_length=64, verbose_name='time zone')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=8, verbose_name='status')),
                ('progress_done', models.PositiveIntegerField(default=0, verbose_name='done')),
                ('progress_total', models.PositiveIntegerField(default=0, verbose_name='total')),
                ('file', models.FileField(blank=True, max_length=300, upload_to=reports.models.export_job_path, verbose_name='file')),
                ('filename', models.CharField(blank=True, max_length=200, verbose_name='file name')),
                ('error', models.TextField(blank=True, verbose_name='error')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('expires_at', models.DateTimeField(default=reports.models.default_expiry, verbose_name='expires')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='organization')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'export',
                'verbose_name_plural': 'exports',
                'indexes': [models.Index(condition=models.Q(('status__in', ['queued', 'running'])), fields=['created_at'], name='exportjob_pending_idx'), models.Index(fields=['expires_at'], name='exportjob_expires_idx')],
            },
        ),
        migrations.CreateModel(
            name='SavedView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=80, verbose_name='name')),
                ('query', models.CharField(blank=True, max_length=2000, verbose_name='filter and sort')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organizations.organization', verbose_name='organization')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='owner')),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='organizations.team', verbose_name='shared with team')),
            ],
            options={
                'verbose_name': 'saved view',
                'verbose_name_plural': 'saved views',
                'ordering': ['name', 'id'],
                'indexes': [models.Index(fields=['organization', 'team'], name='savedview_team_idx')],
                'constraints': [models.UniqueConstraint(fields=('organization', 'owner', 'name'), name='savedview_unique_name')],
            },
        ),
    ]
