"""Run the test CAS server: ``python -m tests.identity.casserver.serve PORT`` (CAS_TEST_DB names its SQLite
file). Migrates, creates the people of ``people.PEOPLE`` and serves until killed."""

from __future__ import annotations

import os
import sys


def main() -> None:
    port = int(sys.argv[1])
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.identity.casserver.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    from tests.identity.casserver.people import PASSWORD, PEOPLE

    call_command("migrate", verbosity=0, interactive=False)
    model = get_user_model()
    for username in PEOPLE:
        if not model.objects.filter(username=username).exists():
            model.objects.create_user(username=username, password=PASSWORD)
    run("127.0.0.1", port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
