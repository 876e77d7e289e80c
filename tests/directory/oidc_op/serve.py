"""Run the test OpenID provider: ``python -m tests.directory.oidc_op.serve PORT CLIENT_ID SECRET REDIRECT_URI``
with ``OIDC_OP_DB`` and ``OIDC_OP_SITE_URL`` set. Migrates its own SQLite file, makes a signing key, the
people and the relying party (Jiesu), prints ``ready`` and serves until stopped."""

from __future__ import annotations

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def main(port: int, client_id: str, secret: str, redirect_uri: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.directory.oidc_op.settings"
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    from tests.directory.oidc_op.settings import PEOPLE

    call_command("migrate", verbosity=0)
    call_command("creatersakey", verbosity=0)
    for username in PEOPLE:
        User.objects.create_user(username=username, password=f"{username}-pass")
    client = Client.objects.create(
        name="Jiesu",
        client_type="confidential",
        client_id=client_id,
        client_secret=secret,
        jwt_alg="RS256",
        require_consent=False,
    )
    client.redirect_uris = [redirect_uri]
    client.scope = ["openid", "profile", "email", "groups"]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    server = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=QuietHandler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4])
