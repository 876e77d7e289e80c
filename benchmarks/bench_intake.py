"""Benchmark (issue 11): API intake on the plain path under concurrent load, through gunicorn.

    .venv/bin/python benchmarks/bench_intake.py [--seconds 30] [--connections 16] [--workers 3]
        [--database-url URL] [--queue-url URL] [--quick]

One gunicorn serves Jiesu and one ``jiesu worker`` runs beside it (delivering the requesters' receipts, as in
production), so its work competes for the same CPU. The load generator (``wrk`` when installed, else Python
threads with http.client) sends, on loopback only and for a bounded time, ``POST /api/v1/tickets`` with a bearer
token (the duty operator recording a duty-room call) over ``--connections`` connections.

Every 201 is answered after the ticket, its clocks, history and outbox rows are committed, so the figures are
recorded tickets: the benchmark counts the tickets in the database afterwards and checks that every accepted
request is there (accepted = recorded). Goals: ≥ 150 recorded tickets/s with 16 connections, p95 ≤ 200 ms.

On a shared, loaded machine the wall-clock figures say more about the other jobs than about Jiesu, so the
benchmark also reads (from /proc) the CPU time the server side spent during the load — gunicorn's workers, the
queue worker and, on PostgreSQL, the database's own processes — and reports it per recorded ticket, with the
rate that many otherwise idle cores would sustain at that cost (an estimate, printed as such).

The database is a fresh SQLite file in a temporary directory (the embedded default), unless
``--database-url`` names another (it must be disposable: the benchmark migrates it and writes tickets). The
queue follows the deployment it stands for: the embedded SQLite queue beside a SQLite database, Redis
(``redis://127.0.0.1:6379/0``, a queue name of this run's own, emptied afterwards) beside PostgreSQL;
``--queue-url`` chooses another.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, VENV_BIN  # noqa: E402

BODY = {
    "channel": "duty_room",
    "type": "help",
    "campus": "beijing",
    "subject": "学生公寓3号楼302室暖气不热",
    "content": "学生公寓3号楼302室暖气片是凉的，室温只有13度左右，晚上冷得睡不着，麻烦尽快派人检修。",
    "requester_name": "王子涵",
    "requester_kind": "student",
    "contact_phone": "13812345678",
}
PATH = "/api/v1/tickets"


@dataclass
class Rate:
    requests: int  # answered 201
    errors: int
    seconds: float
    p95_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(database_url: str, var_dir: str, queue_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="jiesu.settings",
        PYTHONPATH=str(REPO / "src"),
        SECRET_KEY=secrets.token_urlsafe(50),  # Django check E002 wants >= 50 characters
        DATABASE_URL=database_url,
        JIESU_VAR_DIR=var_dir,
        DEBUG="0",
        # One token from one address sends thousands of requests: lift the intake limits (issue 17 item 3),
        # which this benchmark does not measure.
        JIESU_INTAKE_RATE_PERSON="off",
        JIESU_INTAKE_RATE_ADDRESS="off",
    )
    if queue_url:
        env.update(JIESU_QUEUE_URL=queue_url, JIESU_QUEUE_NAME=f"jiesu-bench-intake-{os.getpid()}")
    return env


def _empty_queue(env: dict[str, str]) -> None:
    """Drop what this run left in a shared (Redis) queue: its own queue name only."""
    if env.get("JIESU_QUEUE_URL", "").startswith("redis"):
        code = "from jiesu.worker.queue import huey; huey.storage.flush_all()"
        subprocess.run(
            [str(VENV_BIN / "jiesu"), "shell", "-c", code], env=env, capture_output=True, check=False
        )


def _jiesu(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(VENV_BIN / "jiesu"), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def _token(env: dict[str, str]) -> str:
    out = _jiesu(env, "token", "create", "duty", "--name", "intake benchmark")
    found = re.findall(r"[A-Za-z0-9_\-]{24,}", out)
    if not found:
        raise SystemExit(f"could not read the token from `jiesu token create`: {out!r}")
    return found[-1]


def _counts(database_url: str) -> tuple[int, int]:
    """(tickets, messages not yet sent) in the benchmark's database, read directly."""
    sql = (
        "SELECT (SELECT COUNT(*) FROM tickets_ticket), "
        # messages not yet tried (a failed one waits for a retry that this run's worker never schedules)
        "(SELECT COUNT(*) FROM notify_outbox WHERE state = 'sending' OR (state = 'pending' AND attempts = 0))"
    )
    if database_url.startswith("sqlite"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30)) as db:
            tickets, unsent = db.execute(sql).fetchone()
    else:
        import psycopg  # noqa: PLC0415 - only for a PostgreSQL run

        with psycopg.connect(database_url) as db:
            tickets, unsent = db.execute(sql).fetchone()  # type: ignore[misc]
    return int(tickets), int(unsent)


def _group_pids(*groups: int) -> list[int]:
    """The processes of the given process groups (gunicorn's master and workers, the worker), from /proc."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) in groups:
                pids.append(int(entry.name))
    return pids


def _database_pids(database_url: str) -> list[int]:
    """PostgreSQL's server processes serving the benchmark's database (none for SQLite: it runs in process)."""
    if database_url.startswith("sqlite"):
        return []
    import psycopg  # noqa: PLC0415 - only for a PostgreSQL run

    with psycopg.connect(database_url) as db:
        rows = db.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(pid) for (pid,) in rows]


def _cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each of ``pids`` still alive."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


@dataclass
class CpuUse:
    """CPU seconds the server side spent during the measured load: a figure a loaded machine inflates far less
    than wall-clock throughput (other jobs take turns on the cores; they do not add to this run's CPU time)."""

    server: float  # gunicorn workers
    worker: float  # the queue worker delivering receipts
    database: float  # PostgreSQL processes of this database (0 for SQLite, which runs inside the server)

    @property
    def total(self) -> float:
        return self.server + self.worker + self.database


def _cpu_during(
    database_url: str, server: int, worker: int, measure: Callable[[], Rate]
) -> tuple[Rate, CpuUse | None]:
    if not Path("/proc/self/stat").exists():
        return measure(), None
    sides = {
        "server": lambda: _group_pids(server),
        "worker": lambda: _group_pids(worker),
        "database": lambda: _database_pids(database_url),
    }
    before = {name: _cpu(pids()) for name, pids in sides.items()}
    rate = measure()
    spent = {}
    for name, pids in sides.items():
        after = _cpu(list(set(pids()) | set(before[name])))
        # A process that ended meanwhile is left out; one that started counts from zero.
        spent[name] = sum(used - before[name].get(pid, 0.0) for pid, used in after.items())
    return rate, CpuUse(**spent)


def _drain(database_url: str, deadline: float) -> None:
    """Wait until the worker has delivered every message (so the next phase starts from a quiet machine)."""
    while _counts(database_url)[1] and time.monotonic() < deadline:
        time.sleep(0.1)


def _wait(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def _wrk(port: int, path: str, headers: dict[str, str], seconds: int, connections: int) -> Rate:
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {json.dumps(json.dumps(BODY, ensure_ascii=False), ensure_ascii=False)}",
        "done = function(summary, latency, requests)",
        '  io.write(string.format("p95_us %d\\n", latency:percentile(95)))',
        "end",
    ]
    lines += [f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(script.name)
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    p95 = re.search(r"p95_us (\d+)", out)
    bad = int(errors.group(1)) if errors else 0
    if sock:
        bad += sum(int(n) for n in re.findall(r"\d+", sock.group(1)))
    return Rate(total - bad, bad, float(seconds), int(p95.group(1)) / 1000 if p95 else float("nan"))


def _threads(port: int, path: str, headers: dict[str, str], seconds: int, connections: int) -> Rate:
    """Fallback load generator: ``connections`` threads, each one request at a time, until the deadline."""
    body = json.dumps(BODY, ensure_ascii=False).encode()
    counts = {"ok": 0, "bad": 0}
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker() -> None:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
                ok = conn.getresponse().status == 201
                conn.close()
            except OSError:
                ok = False
            with lock:
                counts["ok" if ok else "bad"] += 1
                latencies.append(time.perf_counter() - started)

    workers = [threading.Thread(target=worker) for _ in range(connections)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    latencies.sort()
    p95 = 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan")
    return Rate(counts["ok"], counts["bad"], float(seconds), p95)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=30, help="measured seconds (default 30)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--workers",
        type=int,
        default=3,
        help="gunicorn sync workers (default 3: on 2 cores they share the CPU with the queue worker and the database)",
    )
    parser.add_argument("--database-url", default="", help="a disposable database (default: fresh SQLite)")
    parser.add_argument(
        "--queue-url",
        default="",
        help="the worker's queue (default: SQLite beside SQLite, redis://127.0.0.1:6379/0 beside PostgreSQL)",
    )
    parser.add_argument("--quick", action="store_true", help="5 s of load")
    args = parser.parse_args()
    seconds = 5 if args.quick else args.seconds
    tmp = tempfile.mkdtemp(prefix="jiesu-bench-intake-")
    database_url = args.database_url or f"sqlite:///{tmp}/jiesu.sqlite3"
    queue_url = args.queue_url or ("" if database_url.startswith("sqlite") else "redis://127.0.0.1:6379/0")
    env = _env(database_url, tmp, queue_url)
    _jiesu(env, "migrate", "--noinput", "-v0")
    _jiesu(env, "createcachetable")  # the shared cache the intake rate limits count in (as `make demo` does)
    _jiesu(env, "demo-org")
    token = _token(env)
    port = _free_port()
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "jiesu.wsgi:application",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "60",
        ],
        env=env,
        cwd=tmp,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        # No minute sweep: its deadline alerts grow with the open tickets and the time of day, not with intake;
        # benchmarks/bench_sweep.py measures it.
        [str(VENV_BIN / "jiesu"), "worker", "--no-periodic"],
        env=env,
        cwd=tmp,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    load = _wrk if shutil.which("wrk") else _threads
    try:
        _wait(port, time.monotonic() + 60)
        auth = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        load(port, PATH, auth, 2, args.connections)  # warm-up
        _drain(database_url, time.monotonic() + 120)
        before = _counts(database_url)[0]
        api, cpu = _cpu_during(
            database_url, server.pid, worker.pid, lambda: load(port, PATH, auth, seconds, args.connections)
        )
        recorded = _counts(database_url)[0] - before  # read as soon as the load stops: nothing is pending
        _drain(database_url, time.monotonic() + 120)
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        _empty_queue(env)
        shutil.rmtree(tmp, ignore_errors=True)
    generator = "wrk" if load is _wrk else "python threads"
    print(
        f"intake benchmark: gunicorn {args.workers} sync workers, {args.connections} connections, {seconds} s, "
        f"load by {generator}, database {database_url.split(':')[0]}, "
        f"queue {env.get('JIESU_QUEUE_URL', 'sqlite (embedded)').split(':')[0]}"
    )
    print(
        f"API intake: {api.requests} accepted (201), {recorded} recorded = {recorded / seconds:.0f} recorded "
        f"tickets/s (goal >= 150); p95 {api.p95_ms:.0f} ms (goal <= 200 ms); {api.errors} errors"
    )
    if cpu is not None and recorded:
        per = 1000 * cpu.total / recorded
        print(
            f"CPU per recorded ticket: {per:.1f} ms (gunicorn {1000 * cpu.server / recorded:.1f}, worker "
            f"{1000 * cpu.worker / recorded:.1f}, database {1000 * cpu.database / recorded:.1f}); at that cost "
            f"{os.cpu_count()} otherwise idle cores would record about {1000 * (os.cpu_count() or 1) / per:.0f} "
            f"tickets/s (the load generator's own CPU not counted; load average {os.getloadavg()[0]:.1f})"
        )
    # Requests still in flight when the load generator stops are committed by the server but never counted as
    # answered: at most one per connection. Fewer tickets than 201s would be a lost request.
    if not 0 <= recorded - api.requests <= args.connections:
        print(f"FAILED: {api.requests} requests answered 201 but {recorded} tickets recorded")
        sys.exit(1)
    print(f"every answered request is a ticket ({recorded - api.requests} more were in flight at the stop)")


if __name__ == "__main__":
    main()
