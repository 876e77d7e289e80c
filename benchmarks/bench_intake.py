"""Benchmark (issue 4 item 13a): API intake under concurrent load through gunicorn, as a share of an empty view.

    .venv/bin/python benchmarks/bench_intake.py [--seconds 30] [--rounds 3] [--connections 16] [--workers 4]
        [--database-url URL] [--queue-url URL] [--quick]

One gunicorn serves Jiesu with ``benchmarks/bench_urls.py`` (Jiesu's URLs plus ``/bench/empty``), and one
``jiesu worker`` runs beside it, as in production: the API accepts a request (number and tracking code) and
the worker records the ticket, its clocks, history and notifications (tickets/services/staging.py) and sends
the requester's receipt, so its work competes for the same CPU during the measurement. The worker runs
without its minute sweep, whose deadline alerts depend on the open tickets and the time of day rather than on
intake (``bench_sweep.py`` measures it). The load generator (``wrk`` when installed, else Python
threads with http.client) sends, on loopback only and for a bounded time, first POSTs to the empty view, then
``POST /api/v1/tickets`` with a bearer token (the duty operator recording a duty-room call).

The two targets alternate over ``--rounds`` rounds (default 3), each phase starting only once the worker has
recorded and delivered everything of the phase before (so its catch-up never runs during an empty-view phase),
so a machine whose speed drifts during the run (a shared virtual machine) weighs on both alike. Result:
requests per second of each, per round and in all, and the ratio (goal ≥ 25 %) — the median of the rounds'
ratios; then how long the worker needed after each API phase to record what was still waiting, and the
sustained rate — tickets recorded divided by the load time plus that catch-up — as a ratio to the empty view.

The database is a fresh SQLite file in a temporary directory (the embedded default), unless
``--database-url`` names another (it must be disposable: the benchmark migrates it and writes tickets). The
queue follows the deployment it stands for: the embedded SQLite queue beside a SQLite database, Redis
(``redis://127.0.0.1:6379/0``, a queue name of this run's own, emptied afterwards) beside PostgreSQL, as in
production; ``--queue-url`` chooses another.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import BENCH_DIR, REPO, VENV_BIN, table  # noqa: E402

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


@dataclass
class Rate:
    name: str
    requests: int
    errors: int
    seconds: float
    latency_ms: str

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
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=os.pathsep.join([str(BENCH_DIR), str(REPO / "src")]),
        DATABASE_URL=database_url,
        JIESU_VAR_DIR=var_dir,
        DEBUG="0",
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


def _counts(database_url: str) -> tuple[int, int, int]:
    """(tickets, accepted requests not yet recorded, messages not yet sent) in the benchmark's database, read
    directly (fast enough to poll every 50 ms while the worker catches up)."""
    sql = (
        "SELECT (SELECT COUNT(*) FROM tickets_ticket), "
        "(SELECT COUNT(*) FROM tickets_stagedintake WHERE error = ''), "
        # messages not yet tried (a failed one waits for a retry that this run's worker never schedules)
        "(SELECT COUNT(*) FROM notify_outbox WHERE state = 'sending' OR (state = 'pending' AND attempts = 0))"
    )
    if database_url.startswith("sqlite"):
        with closing(sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=30)) as db:
            tickets, waiting, unsent = db.execute(sql).fetchone()
    else:
        import psycopg  # noqa: PLC0415 - only for a PostgreSQL run

        with psycopg.connect(database_url) as db:
            tickets, waiting, unsent = db.execute(sql).fetchone()  # type: ignore[misc]
    return int(tickets), int(waiting), int(unsent)


def _drain(database_url: str, deadline: float) -> float:
    """Wait until the worker has recorded every accepted request (returns when that happened), then until it
    has delivered every message."""
    while _counts(database_url)[1] and time.monotonic() < deadline:
        time.sleep(0.05)
    recorded = time.monotonic()
    while _counts(database_url)[2] and time.monotonic() < deadline:
        time.sleep(0.05)
    return recorded


def _wait(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("POST", "/bench/empty", body=b"{}", headers={"Content-Type": "application/json"})
            if conn.getresponse().status == 201:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def _wrk(port: int, path: str, headers: dict[str, str], seconds: int, connections: int) -> Rate:
    lines = [
        'wrk.method = "POST"',
        f"wrk.body = {json.dumps(json.dumps(BODY, ensure_ascii=False), ensure_ascii=False)}",
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
    latency = re.search(r"Latency\s+(\S+)", out)
    bad = int(errors.group(1)) if errors else 0
    if sock:
        bad += sum(int(n) for n in re.findall(r"\d+", sock.group(1)))
    return Rate(path, total - bad, bad, float(seconds), latency.group(1) if latency else "")


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
    mean = f"{1000 * sum(latencies) / len(latencies):.1f}ms" if latencies else ""
    return Rate(path, counts["ok"], counts["bad"], float(seconds), mean)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds", type=int, default=30, help="measured seconds per target in all rounds (default 30)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two targets (default 3)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--database-url", default="", help="a disposable database (default: fresh SQLite)")
    parser.add_argument(
        "--queue-url",
        default="",
        help="the worker's queue (default: SQLite beside SQLite, redis://127.0.0.1:6379/0 beside PostgreSQL)",
    )
    parser.add_argument("--quick", action="store_true", help="3 s per target")
    args = parser.parse_args()
    seconds = 3 if args.quick else args.seconds
    tmp = tempfile.mkdtemp(prefix="jiesu-bench-intake-")
    database_url = args.database_url or f"sqlite:///{tmp}/jiesu.sqlite3"
    queue_url = args.queue_url or ("" if database_url.startswith("sqlite") else "redis://127.0.0.1:6379/0")
    env = _env(database_url, tmp, queue_url)
    _jiesu(env, "migrate", "--noinput", "-v0")
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
        # No minute sweep: its deadline alerts grow with the open tickets and the time of day, not with intake
        # (at noon every ticket recorded here is "due soon" for dispatch, R4.5); benchmarks/bench_sweep.py
        # measures it.
        [str(VENV_BIN / "jiesu"), "worker", "--no-periodic"],
        env=env,
        cwd=tmp,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
    )
    load = _wrk if shutil.which("wrk") else _threads
    rounds = max(1, args.rounds)
    each = max(1, round(seconds / rounds))
    empties: list[Rate] = []
    apis: list[Rate] = []
    catch_ups: list[float] = []
    try:
        _wait(port, time.monotonic() + 60)
        auth = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
        load(port, "/bench/empty", auth, 2, args.connections)  # warm-up
        load(port, "/api/v1/tickets", auth, 2, args.connections)
        _drain(database_url, time.monotonic() + 120)
        before = _counts(database_url)[0]
        for _round in range(rounds):
            empties.append(load(port, "/bench/empty", auth, each, args.connections))
            apis.append(load(port, "/api/v1/tickets", auth, each, args.connections))
            started = time.monotonic()
            catch_ups.append(_drain(database_url, started + 300) - started)
        waiting = _counts(database_url)[1]
        recorded = _counts(database_url)[0] - before
    finally:
        for process in (server, worker):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        _empty_queue(env)
        shutil.rmtree(tmp, ignore_errors=True)
    empty, api = _total("/bench/empty", empties), _total("/api/v1/tickets", apis)
    ratios = sorted(a.per_second / e.per_second for a, e in zip(apis, empties, strict=True) if e.per_second)
    ratio = ratios[len(ratios) // 2] if ratios else 0.0
    sustained = recorded / (each * rounds + sum(catch_ups))
    generator = "wrk" if load is _wrk else "python threads"
    print(
        f"intake benchmark: gunicorn {args.workers} sync workers, {args.connections} connections, "
        f"{rounds} rounds of {each} s per target, load by {generator}, database {database_url.split(':')[0]}, "
        f"queue {env.get('JIESU_QUEUE_URL', 'sqlite (embedded)').split(':')[0]}"
    )
    rows = [
        [
            f"round {n + 1}",
            f"{e.per_second:.0f}",
            f"{a.per_second:.0f}",
            f"{100 * a.per_second / e.per_second:.0f} %",
        ]
        for n, (e, a) in enumerate(zip(empties, apis, strict=True))
        if e.per_second
    ]
    rows.append(["all", f"{empty.per_second:.0f}", f"{api.per_second:.0f}", ""])
    print(table(["", "empty view req/s", "API intake req/s", "ratio"], rows))
    print(f"mean latency: empty view {empty.latency_ms}, API intake {api.latency_ms}")
    print(f"API intake / empty view = {100 * ratio:.0f} % (median of the rounds; goal ≥ 25 %)")
    print(
        f"recording: after each API phase the worker needed {', '.join(f'{c:.1f}' for c in catch_ups)} s more; "
        f"{recorded} tickets recorded = {sustained:.0f} per second sustained "
        f"= {100 * sustained / empty.per_second:.0f} % of the empty view"
    )
    if recorded != api.requests or waiting:
        print(f"warning: {api.requests} requests accepted but {recorded} tickets recorded")
    if api.errors or empty.errors:
        print(f"warning: {api.errors} API requests and {empty.errors} empty-view requests failed")


def _ms(text: str) -> float | None:
    """A latency as printed (``850us``, ``12.5ms``, ``1.02s``) in milliseconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not found:
        return None
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def _total(name: str, rates: list[Rate]) -> Rate:
    """All rounds of one target together; the mean latency weighted by each round's requests."""
    seconds = sum(r.seconds for r in rates)
    weighted = [(ms, r.requests) for r in rates if (ms := _ms(r.latency_ms)) is not None and r.requests]
    count = sum(n for _ms_, n in weighted)
    mean = f"{sum(ms * n for ms, n in weighted) / count:.1f}ms" if count else ""
    return Rate(name, sum(r.requests for r in rates), sum(r.errors for r in rates), seconds, mean)


if __name__ == "__main__":
    main()
