import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
application = get_wsgi_application()
# What the start-up made (modules, URL patterns, translations) lives as long as the worker:
# out of the collector's way, a large export's many short-lived objects are collected
# without walking them all again (the Python documentation's advice for servers).
gc.freeze()
