"""`jiesu demo-org`: `jiesu load-org`'s organization plus the demo people and accounts; prints the accounts."""

from typing import Any

from django.core.management.base import BaseCommand

from jiesu.catalogue.seeding import catalogue_seed
from jiesu.demo.accounts import DEMO_PASSWORD, load_demo_org
from jiesu.demo.knowledge import load_demo_answers


class Command(BaseCommand):
    help = (
        "Demo only: load the organization (as `jiesu load-org`), then add the demo people — leaders, a head and "
        "an officer per unit, one account per role including the superuser `admin` — with the published demo "
        "password, seed the dispatch catalogue from the units' remits when it is empty, and print the accounts. Never run it on a real installation."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--password", default=DEMO_PASSWORD, help="password for newly created accounts")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = load_demo_org(password=options["password"])
        catalogue_seed()  # R2.7: the first dispatch catalogue from the units' remits (only when empty)
        load_demo_answers()  # R2.8: the knowledge base's demo answers (idempotent)
        self.stdout.write(f"演示账号（Demo accounts）— password: {options['password']}")
        for account in accounts:
            unit = f" · {account.unit}" if account.unit else ""
            self.stdout.write(f"  {account.username:<12} {account.full_name:<8} {account.role_label}{unit}")
