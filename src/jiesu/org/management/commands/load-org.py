"""`jiesu load-org`: load the customer's organization (campuses, units, hotlines); creates no account."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from jiesu.org.services import organization_load


class Command(BaseCommand):
    help = (
        "Load the organization of a real installation: campuses, units (incl. 党政办公室 and 总值班室) and "
        "hotlines with their numbers and service hours. Idempotent: missing rows are created, existing ones "
        "kept. Creates no person or account (add the first administrator with `jiesu createsuperuser`)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = organization_load()
        if options["json"]:
            self.stdout.write(json.dumps(loaded.as_dict()))
            return
        self.stdout.write(
            f"organization: {loaded.campuses} campuses, {loaded.units} units, {loaded.hotlines} hotlines "
            f"({loaded.created} rows created, existing rows kept); no account created"
        )
