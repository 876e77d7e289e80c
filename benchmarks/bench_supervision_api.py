"""Benchmark (issue 13): the supervision API's reads — a page of orders, one order, one inspection of a large sample.

    [DATABASE_URL=postgres://root@127.0.0.1:5432/jiesu_bench_sup] \\
        .venv/bin/python benchmarks/bench_supervision_api.py [--orders 5000] [--sample 200] [--iterations 30]

A throwaway test database (Django's ``test_<name>``, dropped at the end; in memory on SQLite) gets the demo
organization, ``--orders`` orders spread over the units (bulk-created, each with its issue event) and an
inspection of ``--sample`` tickets drawn from twice as many. Each request runs through the test client with a
bearer token, after a warm-up; reported per request: queries, CPU time of this process (``time.process_time``:
Python, and on SQLite the database too) and wall time, median and p95.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import django_setup, percentile, table  # noqa: E402


def _fill(orders: int, sample: int) -> dict[str, Any]:
    from django.utils import timezone

    from jiesu.demo.accounts import load_demo_org
    from jiesu.org.models import Campus, Unit, User
    from jiesu.supervision.figures import Period
    from jiesu.supervision.models import Order, OrderEvent
    from jiesu.supervision.services.inspections import inspection_create
    from jiesu.tickets.models import Ticket

    load_demo_org()
    units = list(Unit.objects.filter(is_active=True).order_by("id"))
    office = User.objects.get(username="dispatcher")
    now = timezone.now()
    made = Order.objects.bulk_create(
        Order(
            unit=units[i % len(units)],
            subject=f"督办事项{i}",
            requirement="书面说明进展",
            level="supervise" if i % 3 else "listed",
            state=("issued", "answered", "returned", "accepted")[i % 4],
            issued_by=office,
            issued_at=now - dt.timedelta(minutes=i),
            deadline_at=now + dt.timedelta(days=3),
            deadline_days=3,
        )
        for i in range(orders)
    )
    OrderEvent.objects.bulk_create(
        OrderEvent(order=o, at=o.issued_at, actor=office, action="issue", text=o.requirement) for o in made
    )
    campus = Campus.objects.get(code="beijing")
    logistics = Unit.objects.get(code="logistics")
    first = timezone.localdate() - dt.timedelta(days=30)
    start = dt.datetime.combine(first, dt.time(9), tzinfo=timezone.get_current_timezone())
    Ticket.objects.bulk_create(
        Ticket(
            number=f"B{i:08d}",
            tracking_code_hash="x" * 64,
            type="help",
            channel="hotline",
            subject=f"宿舍事项{i}",
            content="诉求内容",
            requester_name="张同学",
            contact_phone="13812345678",
            campus=campus,
            lead_unit=logistics,
            received_at=start + dt.timedelta(minutes=i),
            status="handling",
        )
        for i in range(2 * sample)
    )
    inspection = inspection_create(
        actor=User.objects.get(username="inspector"),
        unit=logistics,
        period=Period(first, timezone.localdate()),
        size=sample,
        seed="bench",
    )
    return {"order": made[len(made) // 2].pk, "inspection": inspection.pk}


def _measure(run: Callable[[], Any], iterations: int) -> tuple[int, float, float, float, float]:
    from django.db import connection

    for _ in range(3):
        run()
    # Counted with an execute wrapper: the request_started signal empties ``connection.queries`` mid-request.
    executed: list[str] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        run()
    cpu, wall = [], []
    for _ in range(iterations):
        c0, w0 = time.process_time(), time.perf_counter()
        run()
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return (
        len(executed),
        percentile(cpu, 0.5),
        percentile(cpu, 0.95),
        percentile(wall, 0.5),
        percentile(wall, 0.95),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from jiesu.api.services import token_create
    from jiesu.org.models import User

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        ids = _fill(args.orders, args.sample)

        def client(username: str) -> Callable[[str], Any]:
            secret = token_create(user=User.objects.get(username=username), name="bench").secret
            http = Client(headers={"Authorization": f"Bearer {secret}"})

            def get(path: str) -> Any:
                response = http.get("/api/v1" + path)
                assert response.status_code == 200, response.content[:300]
                return response

            return get

        office, officer, inspector = client("dispatcher"), client("officer"), client("inspector")
        cases = {
            "GET /orders (Office, 50 of all)": lambda: office("/orders"),
            "GET /orders?state=issued&limit=200 (Office)": lambda: office("/orders?state=issued&limit=200"),
            "GET /orders (unit officer, own unit)": lambda: officer("/orders"),
            "GET /orders/{id} (Office)": lambda: office(f"/orders/{ids['order']}"),
            f"GET /inspections/{{id}} ({args.sample} sampled)": lambda: inspector(
                f"/inspections/{ids['inspection']}"
            ),
        }
        rows = []
        for label, run in cases.items():
            queries, cpu50, cpu95, wall50, wall95 = _measure(run, args.iterations)
            rows.append([label, queries, f"{cpu50:.1f}", f"{cpu95:.1f}", f"{wall50:.1f}", f"{wall95:.1f}"])
        print(
            f"{connection.vendor}, {args.orders} orders, a sample of {args.sample}, {args.iterations} runs each"
        )
        print(table(["request", "queries", "CPU ms p50", "CPU ms p95", "wall ms p50", "wall ms p95"], rows))
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
