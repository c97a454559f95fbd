import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Tasks start with no organization and enter their own scope (organizations/tenancy.py).
app = Celery("saksflyt", task_cls="organizations.tenancy:ScopedTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
