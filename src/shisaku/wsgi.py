"""WSGI entry point for gunicorn and `shisaku serve`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shisaku.settings")
application = get_wsgi_application()
