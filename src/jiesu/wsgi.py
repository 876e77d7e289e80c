"""WSGI entry point (gunicorn jiesu.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiesu.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: a missing or published secret key stops the process here (docs/security.md).
from jiesu.web.checks import refuse_to_serve_with_a_weak_key  # noqa: E402

refuse_to_serve_with_a_weak_key()
