"""In-process cost of API intake's three parts (docs/performance.md "API intake"), without HTTP or a server.

    .venv/bin/python benchmarks/profile_intake.py [--requests 500] [--database-url URL] [--profile]

Through Django's test client on a fresh database (SQLite in a temporary directory unless ``--database-url``
names a disposable one): the mean time of an empty view and of ``POST /api/v1/tickets`` (accept), then of
recording the accepted requests (the worker's ``record_all``, per ticket) and of delivering their receipts
(``deliver_all``, per message). ``--profile`` prints cProfile's top functions for the accept requests.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_intake import BODY  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="jiesu-profile-intake-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        JIESU_VAR_DIR=tmp,
        DATABASE_URL=args.database_url or f"sqlite:///{tmp}/jiesu.sqlite3",
        DEBUG="0",
    )
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    try:
        _run(args)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(args: argparse.Namespace) -> None:
    import django  # noqa: PLC0415 - after the settings are chosen

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from jiesu.api.services import token_create  # noqa: PLC0415
    from jiesu.org.models import User  # noqa: PLC0415
    from jiesu.tickets.services import record_all  # noqa: PLC0415
    from jiesu.worker.tasks import deliver_all  # noqa: PLC0415

    call_command("migrate", "--noinput", verbosity=0)
    call_command("demo-org", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    secret = token_create(user=User.objects.get(username="duty"), name="profile").secret
    client, body = Client(), json.dumps(BODY, ensure_ascii=False)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def post(path: str, count: int) -> float:
        started = time.perf_counter()
        for _ in range(count):
            response = client.post(path, body, content_type="application/json", **headers)
            assert response.status_code == 201, response.content
        return (time.perf_counter() - started) / count * 1000

    post("/bench/empty", 50)
    post("/api/v1/tickets", 50)
    record_all()
    with contextlib.redirect_stdout(io.StringIO()):
        deliver_all()
    empty = post("/bench/empty", args.requests)
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    accept = post("/api/v1/tickets", args.requests)
    if profiler:
        profiler.disable()
    started = time.perf_counter()
    recorded = record_all()
    record = (time.perf_counter() - started) / max(recorded, 1) * 1000
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the console SMS backend prints each message
        sent = deliver_all()
    deliver = (time.perf_counter() - started) / max(sent, 1) * 1000
    vendor = os.environ["DATABASE_URL"].split(":")[0]
    print(f"in-process, {args.requests} requests, database {vendor}:")
    print(f"  empty view           {empty:.3f} ms per request")
    print(f"  API intake (accept)  {accept:.3f} ms per request")
    print(f"  recording            {record:.3f} ms per ticket ({recorded} tickets)")
    print(f"  delivering receipts  {deliver:.3f} ms per message ({sent} messages)")
    if profiler:
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
