import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Templates compiled, catalogues loaded and URLs resolved before the first request
# (config/warmup.py), and frozen with the rest below.
from config.warmup import warm_up  # noqa: E402 - needs the settings configured above

warm_up()

# What is loaded by now (Django, the apps, their models and URLs' modules) lives as long as the
# worker. Frozen, it is out of the garbage collector's reach: the full collections that would
# otherwise scan it all stall a request now and then (one per ~60 staff pages, 50-250 ms on a
# busy 2-core machine; bench/run.py pages, in-process) and only what requests make is scanned.
gc.collect()
gc.freeze()
