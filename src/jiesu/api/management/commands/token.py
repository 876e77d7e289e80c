"""`jiesu token`: API bearer tokens for integrations.

    jiesu token create USERNAME [--name NAME]   prints the token once (only its hash is kept)
    jiesu token list USERNAME                   prefix, name, created, last used, revoked
    jiesu token revoke PREFIX

Failures (unknown person, unknown prefix, bad arguments) print ``{"error": {"code", "message"}}`` on stderr and
exit with status 2.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from jiesu.api.models import ApiToken
from jiesu.api.selectors import tokens_of
from jiesu.api.services import token_create, token_revoke
from jiesu.cli import CliError, JsonErrorCommand, JsonErrorParser
from jiesu.org.models import User


class Command(JsonErrorCommand):
    help = "Create, list and revoke API bearer tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=JsonErrorParser)
        create = sub.add_parser("create", help="issue a token for USERNAME and print it once")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for, e.g. the integration's name")
        listing = sub.add_parser("list", help="list USERNAME's tokens (never the secrets)")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="revoke the token with PREFIX")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            issued = token_create(user=_user(options["username"]), name=options["name"])
            self.stdout.write(issued.secret)
        elif action == "list":
            for token in tokens_of(_user(options["username"])):
                self.stdout.write(json.dumps(_describe(token), ensure_ascii=False))
        else:
            found = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if found is None:
                raise CliError("unknown_token", f"no token has the prefix {options['prefix']!r}")
            token_revoke(token=found)
            self.stdout.write(f"revoked {found.prefix}")


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CliError("unknown_user", f"no person has the username {username!r}")
    return user


def _describe(token: ApiToken) -> dict[str, Any]:
    return {
        "prefix": token.prefix,
        "name": token.name,
        "created_at": timezone.localtime(token.created_at).isoformat(),
        "last_used_at": timezone.localtime(token.last_used_at).isoformat() if token.last_used_at else None,
        "revoked": token.revoked,
    }
