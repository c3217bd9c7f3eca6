import os

from django.core.wsgi import get_wsgi_application

from iop.server import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
application = get_wsgi_application()
settle()
