"""Celery application, configured from Django settings (``CELERY_*`` keys).

With ``REDIS_URL`` unset the settings make every task run eagerly in-process
(``CELERY_TASK_ALWAYS_EAGER``), so the embedded default needs no broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_portal.settings")

app = Celery("union_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
