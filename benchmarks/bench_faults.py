"""Benchmark (issue 17 item 8): intake and notification delivery stay exact while processes are SIGKILLed.

    .venv/bin/python benchmarks/bench_faults.py [--submitters 200] [--seconds 60] [--kill-every 12]
        [--workers 3] [--database-url URL] [--queue-url URL] [--short]

One gunicorn and one ``jiesu worker`` (the production layout of ``bench_intake``, whose setup this reuses: SQLite
database and queue by default; ``--database-url`` for a disposable PostgreSQL database, with the Redis queue).
``--submitters`` threads — half a requester posting the web form (a session and its CSRF token each), half the
duty operator posting ``/api/v1/tickets`` with a bearer token — submit for ``--seconds``. Every ``--kill-every``
seconds the worker or gunicorn (master and workers, as one process group), alternately, is SIGKILLed and
restarted a second later. The worker is killed right after it sent a message when one goes out within 5 s
(``kills.worker_after_a_send``): that is where a message can go out twice.

Every attempt carries a handle of its own in its text (``[fx RUN-SUBMITTER-SEQ]``) and, for the API, a contact
address made from it. A submitter records each answer: accepted (API 201 with the number; web 302 to the
"received" page, the number read from it), refused (any other status) or no answer (refused connection, reset,
timeout) — then, and only then, it retries, under a new handle: a request without an answer may or may not
have been recorded.

Afterwards the worker is given time to deliver (the lease on rows claimed by a killed worker is shortened to
``--lease`` seconds through ``JIESU_OUTBOX_LEASE_SECONDS``), and the database is checked:

- every accepted handle has exactly one ticket, with the number the answer gave; no handle has two; a refused
  one has none; an unanswered one has none or one (counted: "in doubt"); no ticket has a handle never sent;
- no two tickets share a number; every ticket has its clocks and exactly one "create" history row;
- every ticket has exactly one receipt (a "received" email in the outbox naming its number);
- every outbox row written during the run is ``sent``, and every one of them reached the recording backend
  (``tests/worker/recording.py``: one fsynced line per message, by the row's idempotency key); no line names a
  row that does not exist.

Delivery is at least once by design (``notify.delivery``): a worker killed after a send and before recording it
leaves the row claimed; when the lease runs out the row is sent again under the same key, which the receiver
drops (email: the same Message-ID). Those repeats are counted (``resent_same_key``) and allowed only as far as
the kills explain them: at most one row per worker thread per worker kill. Anything beyond that, and any
other failed check, is a violation.

Prints a JSON summary on its last line; exits 1 on any violation.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import REPO, VENV_BIN, django_setup, percentile  # noqa: E402
from bench_intake import _empty_queue, _env, _free_port, _jiesu, _wait  # noqa: E402

API_PATH = "/api/v1/tickets"
FORM_PATH = "/requests/new/"
CREATED_PATH = "/requests/created/"
TIMEOUT = 60.0  # a client gives up on an answer after this long (gunicorn's own timeout is 60 s too)
WORKER_THREADS = 2
HANDLE = re.compile(r"\[fx ([0-9a-z-]+)\]")
NUMBER = re.compile(r"\d{8}-\d{6}")
OUTBOX_KEY = re.compile(r"jiesu-outbox-(\d+)")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CREATED_NUMBER = re.compile(r'data-testid="created-number">([^<]+)<')
TEXT = "学生公寓3号楼302室暖气片是凉的，室温只有13度左右，晚上冷得睡不着，麻烦尽快派人检修。"


class NoAnswer(Exception):
    """The request got no HTTP answer: it may or may not have been recorded."""


@dataclass
class Answer:
    handle: str
    kind: str  # "api" or "web"
    outcome: str  # "accepted", "refused" or "no_answer"
    status: int | None = None
    number: str | None = None
    error: str = ""
    ms: float = 0.0


def _request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, http.client.HTTPMessage, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers={"Connection": "close", **headers})
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        return response.status, response.headers, text
    except (OSError, http.client.HTTPException) as error:
        raise NoAnswer(f"{type(error).__name__}: {error}") from error
    finally:
        conn.close()


class Submitter(threading.Thread):
    """Submits one request at a time until the deadline; retries (with a new handle) only after no answer."""

    def __init__(self, run: str, index: int, kind: str, port: int, deadline: float, setup: dict[str, Any]):
        super().__init__(daemon=True)
        self.run_id, self.index, self.kind, self.port, self.deadline = run, index, kind, port, deadline
        self.setup = setup
        self.answers: list[Answer] = []
        self.cookies: dict[str, str] = {"sessionid": setup["sessions"][index]} if kind == "web" else {}
        self.csrf = ""

    def run(self) -> None:
        seq = 0
        while time.monotonic() < self.deadline:
            handle = f"{self.run_id}-{self.index:03d}-{seq:05d}"
            try:
                answer = self._api(handle) if self.kind == "api" else self._web(handle)
            except NoAnswer:  # the form page before the post: nothing was sent under this handle
                self._pause()
                continue
            seq += 1
            self.answers.append(answer)
            if answer.outcome == "no_answer":
                self._pause()

    def _pause(self) -> None:
        time.sleep(0.2 + random.random() * 0.3)  # noqa: S311 - jitter, not a secret

    def _api(self, handle: str) -> Answer:
        body = {
            "channel": "duty_room",
            "type": "help",
            "campus": "beijing",
            "subject": "学生公寓暖气不热",
            "content": f"{TEXT}[fx {handle}]",
            "requester_name": "王子涵",
            "requester_kind": "student",
            "contact_email": f"fx-{handle}@example.edu.cn",
        }
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.setup['token']}"}
        started = time.perf_counter()
        try:
            status, _headers, text = _request(
                self.port, "POST", API_PATH, json.dumps(body, ensure_ascii=False).encode(), headers
            )
        except NoAnswer as error:
            return Answer(handle, "api", "no_answer", error=str(error))
        ms = 1000 * (time.perf_counter() - started)
        if status == 201:
            return Answer(handle, "api", "accepted", status, json.loads(text).get("number"), ms=ms)
        return Answer(handle, "api", "refused", status, error=text[:200], ms=ms)

    def _cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: http.client.HTTPMessage) -> None:
        for line in headers.get_all("Set-Cookie") or []:
            name, _eq, value = line.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def _web(self, handle: str) -> Answer:
        if not self.csrf:
            status, headers, text = _request(
                self.port, "GET", FORM_PATH, None, {"Cookie": self._cookie_header()}
            )
            self._keep_cookies(headers)
            found = CSRF.search(text)
            if status != 200 or not found:
                raise NoAnswer(f"the form page answered {status}")  # nothing posted yet: try again
            self.csrf = found.group(1)
        form = {
            "csrfmiddlewaretoken": self.csrf,
            "type": "help",
            "campus": str(self.setup["campus"]),
            "subject": "宿舍暖气不热",
            "content": f"{TEXT}[fx {handle}]",
            "contact_phone": "13812345678",
            "contact_email": "",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self._cookie_header()}
        started = time.perf_counter()
        try:
            status, answer_headers, text = _request(
                self.port, "POST", FORM_PATH, urlencode(form).encode(), headers
            )
        except NoAnswer as error:
            return Answer(handle, "web", "no_answer", error=str(error))
        ms = 1000 * (time.perf_counter() - started)
        self._keep_cookies(answer_headers)
        if status == 302 and answer_headers.get("Location", "").endswith(CREATED_PATH):
            return Answer(handle, "web", "accepted", status, self._created_number(), ms=ms)
        if status == 403:
            self.csrf = ""  # fetch a fresh form next time
        return Answer(handle, "web", "refused", status, error=text[:200], ms=ms)

    def _created_number(self) -> str | None:
        """The number on the "received" page (shown once); None when that page got no answer for a minute and more
        (the wait in gunicorn's backlog, a kill, a restart)."""
        give_up = time.monotonic() + TIMEOUT
        while time.monotonic() < give_up:
            try:
                status, headers, text = _request(
                    self.port, "GET", CREATED_PATH, None, {"Cookie": self._cookie_header()}
                )
            except NoAnswer:
                self._pause()
                continue
            self._keep_cookies(headers)
            found = CREATED_NUMBER.search(text)
            return found.group(1).strip() if status == 200 and found else None
        return None


@dataclass
class Services:
    """gunicorn and the worker, each in a process group of its own so one SIGKILL takes all its processes."""

    env: dict[str, str]
    tmp: str
    port: int
    workers: int
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    kills: Counter[str] = field(default_factory=Counter)

    def start(self, name: str) -> None:
        log = open(Path(self.tmp) / f"{name}.log", "ab")  # noqa: SIM115 - the process keeps it
        if name == "server":
            command = [
                str(VENV_BIN / "gunicorn"),
                "jiesu.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
                "--backlog",
                "2048",
            ]
        else:  # the production worker: the minute sweep too (it delivers what a dead worker left)
            command = [str(VENV_BIN / "jiesu"), "worker", "--threads", str(WORKER_THREADS)]
        self.procs[name] = subprocess.Popen(  # noqa: S603
            command, env=self.env, cwd=self.tmp, start_new_session=True, stdout=log, stderr=log
        )

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        self.kills[name] += 1

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(Path(self.tmp).glob("*.log"))
        )


def _sending(record: Path, within: float) -> bool:
    """Wait (up to ``within`` seconds) until the worker has just sent a message: the record file grew."""
    size = record.stat().st_size if record.exists() else 0
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if (record.stat().st_size if record.exists() else 0) != size:
            return True
        time.sleep(0.002)
    return False


def _chaos(
    services: Services, start: float, seconds: float, every: float, record: Path, stop: threading.Event
) -> None:
    """Kill the worker, then gunicorn, alternately every ``every`` seconds; each is restarted a second later.
    The worker is killed right after a send when one comes within 5 s: between a send and its record, where a
    message can go out twice."""
    k = 0
    while True:
        at = start + every * (k + 1)
        if at > start + seconds - 1 or stop.wait(max(0.0, at - time.monotonic())):
            return
        name = ("worker", "server")[k % 2]
        if name == "worker" and _sending(record, 5.0):
            services.kills["worker_after_a_send"] += 1
        services.kill(name)
        time.sleep(1.0)
        services.start(name)
        k += 1


def _prepare(env: dict[str, str], web: int) -> dict[str, Any]:
    """Django in this process (to forge the requesters' sessions and, afterwards, to check the database)."""
    os.environ.update(env)
    django_setup()
    from importlib import import_module  # noqa: PLC0415

    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: PLC0415
    from django.db.models import Max  # noqa: PLC0415

    from jiesu.api.services import token_create  # noqa: PLC0415
    from jiesu.notify.models import Outbox  # noqa: PLC0415
    from jiesu.org.models import Campus, User  # noqa: PLC0415
    from jiesu.web.middleware import TOUCHED  # noqa: PLC0415

    student = User.objects.get(username="student")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for _ in range(web):
        # What a sign-in leaves in the session (signing in 100 times would only measure PBKDF2).
        session = store()
        session[SESSION_KEY] = str(student.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = student.get_session_auth_hash()
        session[TOUCHED] = int(time.time())
        session.create()
        sessions.append(session.session_key)
    return {
        "token": token_create(user=User.objects.get(username="duty"), name="fault benchmark").secret,
        "sessions": sessions,
        "campus": Campus.objects.get(code="beijing").pk,
        "outbox_before": Outbox.objects.aggregate(top=Max("id"))["top"] or 0,
    }


def _drain(outbox_before: int, lease: int, timeout: float) -> float:
    """Wake the worker every few seconds until every outbox row of the run is sent (rows a killed worker held
    come back when their lease runs out). Returns the seconds it took."""
    from jiesu.notify.models import Outbox  # noqa: PLC0415
    from jiesu.worker.tasks import deliver  # noqa: PLC0415

    started = time.monotonic()
    deadline = started + lease + timeout
    last_kick = 0.0
    while time.monotonic() < deadline:
        if not Outbox.objects.filter(id__gt=outbox_before, state__in=("pending", "sending")).exists():
            break
        if time.monotonic() - last_kick > 3:
            deliver()  # a delivery task on the worker's queue
            last_kick = time.monotonic()
        time.sleep(0.5)
    return time.monotonic() - started


def _check_tickets(
    run: str, answers: list[Answer], violations: dict[str, list[Any]]
) -> tuple[Counter[str], Counter[str]]:
    """Every answer against the tickets its handle names; the tickets' numbers, clocks and history. Returns the
    tickets' numbers and how the unanswered requests ended."""
    from django.db.models import Count, Q  # noqa: PLC0415

    from jiesu.tickets.models import Ticket  # noqa: PLC0415

    tickets = list(
        Ticket.objects.filter(content__contains=f"[fx {run}-")
        .annotate(
            live_clocks=Count("clocks", filter=Q(clocks__superseded_at__isnull=True), distinct=True),
            creates=Count("events", filter=Q(events__action="create"), distinct=True),
        )
        .values("id", "number", "content", "live_clocks", "creates")
    )
    by_handle: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ticket in tickets:
        found = HANDLE.search(ticket["content"])
        by_handle[found.group(1) if found else "?"].append(ticket)
    doubt: Counter[str] = Counter()
    for a in answers:
        recorded = by_handle.get(a.handle, [])
        if len(recorded) > 1:
            violations["two_tickets_for_one_request"].append(a.handle)
        if a.outcome == "accepted":
            if not recorded:
                violations["accepted_but_not_recorded"].append(a.handle)
            elif a.number and recorded[0]["number"] != a.number:
                violations["answered_number_differs"].append([a.handle, a.number, recorded[0]["number"]])
        elif a.outcome == "refused" and recorded:
            violations["refused_but_recorded"].append([a.handle, a.status])
        elif a.outcome == "no_answer":
            doubt["recorded" if recorded else "not_recorded"] += 1
    violations["ticket_for_no_request"] += sorted(by_handle.keys() - {a.handle for a in answers})
    numbers = Counter(t["number"] for t in tickets)
    violations["duplicate_numbers"] += [n for n, c in numbers.items() if c > 1]
    violations["ticket_without_clocks"] += [t["number"] for t in tickets if t["live_clocks"] == 0]
    violations["history_create_not_once"] += [t["number"] for t in tickets if t["creates"] != 1]
    return numbers, doubt


def _check_outbox(
    numbers: Counter[str],
    outbox_before: int,
    record: Path,
    worker_kills: int,
    violations: dict[str, list[Any]],
) -> dict[str, int]:
    """One receipt per ticket; every outbox row of the run sent, and delivered, once but for kill repeats."""
    from jiesu.notify.models import Outbox  # noqa: PLC0415

    rows = list(
        Outbox.objects.filter(id__gt=outbox_before).values("id", "event", "channel", "subject", "state")
    )
    receipts: Counter[str] = Counter()
    for row in rows:
        if row["event"] == "received" and row["channel"] == "email":
            found = NUMBER.search(row["subject"])
            receipts[found.group(0) if found else "?"] += 1
    violations["receipt_not_once"] += [[n, receipts[n]] for n in numbers if receipts[n] != 1]

    lines = record.read_text(encoding="utf-8").splitlines() if record.exists() else []
    sends = Counter(int(m.group(1)) for line in lines if (m := OUTBOX_KEY.search(line)))
    ids = {row["id"] for row in rows}
    violations["outbox_not_sent"] += [[r["id"], r["state"]] for r in rows if r["state"] != "sent"]
    violations["outbox_never_delivered"] += sorted(ids - sends.keys())
    violations["delivery_of_no_row"] += sorted(k for k in sends if k > outbox_before and k not in ids)
    resent = {k: n for k, n in sends.items() if n > 1 and k in ids}
    # A killed worker can leave at most one row per thread sent but not recorded; each is sent again once.
    allowed = WORKER_THREADS * worker_kills
    if len(resent) > allowed or any(n > 1 + worker_kills for n in resent.values()):
        violations["resent_beyond_kills"] += sorted(resent)
    return {
        "rows": len(rows),
        "sent": sum(r["state"] == "sent" for r in rows),
        "delivered_rows": len(ids & sends.keys()),
        "deliveries": sum(sends[i] for i in ids),
        "resent_same_key": len(resent),
        "resent_allowed": allowed,
    }


def _check(
    run: str, answers: list[Answer], outbox_before: int, record: Path, worker_kills: int
) -> dict[str, Any]:
    violations: dict[str, list[Any]] = defaultdict(list)
    numbers, doubt = _check_tickets(run, answers, violations)
    outbox = _check_outbox(numbers, outbox_before, record, worker_kills, violations)
    found = {k: v for k, v in violations.items() if v}
    return {
        "tickets": sum(numbers.values()),
        "in_doubt": dict(doubt),
        "outbox": outbox,
        "violation_count": sum(len(v) for v in found.values()),
        "violations": {k: v[:10] for k, v in found.items()},
    }


def main() -> None:  # noqa: PLR0915 - one linear script
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--submitters", type=int, default=200, help="concurrent submitters, half web half API"
    )
    parser.add_argument("--seconds", type=int, default=60, help="seconds of load (default 60)")
    parser.add_argument("--kill-every", type=float, default=12, help="seconds between kills (default 12)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    parser.add_argument(
        "--lease", type=int, default=20, help="outbox lease in seconds for this run (default 20)"
    )
    parser.add_argument("--database-url", default="", help="a disposable database (default: fresh SQLite)")
    parser.add_argument(
        "--queue-url", default="", help="default: SQLite beside SQLite, Redis beside PostgreSQL"
    )
    parser.add_argument(
        "--no-setup",
        action="store_true",
        help="the database is already migrated, with the demo organization and the cache table (a test's)",
    )
    parser.add_argument(
        "--short", action="store_true", help="CI: 20 submitters, 15 s, one kill of each, 2 gunicorn workers"
    )
    args = parser.parse_args()
    if args.short:
        args.submitters, args.seconds, args.kill_every, args.lease, args.workers = 20, 15, 5, 8, 2

    run = secrets.token_hex(3)
    began = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="jiesu-bench-faults-")
    database_url = args.database_url or f"sqlite:///{tmp}/jiesu.sqlite3"
    queue_url = args.queue_url or (
        f"sqlite:///{tmp}/queue.sqlite3" if database_url.startswith("sqlite") else "redis://127.0.0.1:6379/0"
    )
    record = Path(tmp) / "sent.log"
    env = _env(database_url, tmp, queue_url)
    env.update(
        JIESU_QUEUE_NAME=f"jiesu-bench-faults-{run}",
        PYTHONPATH=f"{REPO / 'src'}{os.pathsep}{REPO}",  # the recording backends live in tests/worker
        JIESU_EMAIL_BACKEND="tests.worker.recording.EmailBackend",
        JIESU_SMS_BACKEND="tests.worker.recording.SmsBackend",
        JIESU_WECOM_BACKEND="tests.worker.recording.SmsBackend",
        JIESU_RECORD_FILE=str(record),
        JIESU_OUTBOX_LEASE_SECONDS=str(args.lease),
    )
    if not args.no_setup:
        _jiesu(env, "migrate", "--noinput", "-v0")
        _jiesu(env, "createcachetable")  # the shared cache (as `make demo` does)
        _jiesu(env, "demo-org")
    web = args.submitters // 2
    setup = _prepare(env, web)
    port = _free_port()
    services = Services(env, tmp, port, args.workers)
    stop = threading.Event()
    answers: list[Answer] = []
    try:
        services.start("server")
        services.start("worker")
        _wait(port, time.monotonic() + 120)
        start = time.monotonic()
        setup_seconds = start - began
        deadline = start + args.seconds
        submitters = [
            Submitter(run, i, "web" if i < web else "api", port, deadline, setup)
            for i in range(args.submitters)
        ]
        chaos = threading.Thread(
            target=_chaos, args=(services, start, args.seconds, args.kill_every, record, stop)
        )
        for s in submitters:
            s.start()
        chaos.start()
        chaos.join()
        for s in submitters:
            s.join(timeout=TIMEOUT + 30)
        load_seconds = time.monotonic() - start
        answers = [a for s in submitters for a in s.answers]
        drain_seconds = _drain(setup["outbox_before"], args.lease, 120)
        checked = time.monotonic()
        result = _check(run, answers, setup["outbox_before"], record, services.kills["worker"])
        check_seconds = time.monotonic() - checked
    finally:
        stop.set()
        services.stop()
        _empty_queue(env)
    outcomes = Counter(a.outcome for a in answers)
    accepted_ms = [a.ms for a in answers if a.outcome == "accepted"]
    summary = {
        "database": database_url.split(":")[0],
        "queue": queue_url.split(":")[0],
        "submitters": {"web": web, "api": args.submitters - web},
        "seconds": args.seconds,
        "load_seconds": round(load_seconds, 1),
        "kills": dict(services.kills),
        "answers": {
            "accepted": outcomes["accepted"],
            "accepted_web": sum(a.outcome == "accepted" and a.kind == "web" for a in answers),
            "accepted_api": sum(a.outcome == "accepted" and a.kind == "api" for a in answers),
            "refused": dict(Counter(str(a.status) for a in answers if a.outcome == "refused")),
            "no_answer": outcomes["no_answer"],
            "web_number_unread": sum(a.outcome == "accepted" and not a.number for a in answers),
        },
        "accepted_per_second": round(outcomes["accepted"] / args.seconds, 1),
        "accepted_p50_ms": round(percentile(accepted_ms, 0.5)) if accepted_ms else None,
        "accepted_p95_ms": round(percentile(accepted_ms, 0.95)) if accepted_ms else None,
        "setup_seconds": round(setup_seconds, 1),
        "drain_seconds": round(drain_seconds, 1),
        "check_seconds": round(check_seconds, 1),
        # CPU of this process (load generator, checks) and of the processes it waited for (the servers it started
        # and killed; gunicorn workers that died with their master are not counted).
        "cpu_seconds": {
            "benchmark": round(time.process_time(), 1),
            "children": round(
                sum(
                    getattr(resource.getrusage(resource.RUSAGE_CHILDREN), f) for f in ("ru_utime", "ru_stime")
                ),
                1,
            ),
        },
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **result,
    }
    if result["violation_count"]:
        sys.stderr.write(services.logs() + "\n")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(summary, ensure_ascii=False))
    sys.exit(1 if result["violation_count"] else 0)


if __name__ == "__main__":
    main()
