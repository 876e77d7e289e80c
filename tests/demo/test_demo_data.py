"""Demo data (issue 4 item 12): realistic Chinese requests with histories the services themselves wrote."""

from __future__ import annotations

import datetime as dt
import io
import random
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from jiesu.demo import bulk, checks, corpus, generator, phrases, render
from jiesu.demo.people import PREFIX, person_spec
from jiesu.demo.progress import Progress
from jiesu.org.models import Campus, User
from jiesu.tickets import services
from jiesu.tickets.models import (
    DIRECT_CHANNELS,
    Clock,
    ClockKind,
    Event,
    Followup,
    FollowupAttempt,
    Note,
    Reply,
    Ticket,
    TicketSequence,
)
from jiesu.tickets.services.replies import flags_third_party
from jiesu.tickets.states import Status
from jiesu.workcalendar.clocks import SHANGHAI

NOW = dt.datetime(2026, 3, 20, 15, 30, tzinfo=SHANGHAI)  # a Friday afternoon in the spring semester
HAN = re.compile(r"[\u4e00-\u9fff]")


def _fingerprint() -> list[tuple[object, ...]]:
    rows = Ticket.objects.filter(requester__username__startswith=PREFIX) | Ticket.objects.filter(
        recorded_by__username="demo-mailbox"
    )
    return [
        (
            t.received_at,
            t.channel,
            t.type,
            t.campus_id,
            t.lead_unit_id,
            t.status,
            t.level,
            t.subject,
            t.requester_name,
            t.next_due_at,
            t.overdue_count,
            tuple(t.events.order_by("at", "id").values_list("action", "at")),
        )
        for t in rows.order_by("received_at", "subject")
    ]


@pytest.fixture
def semester(demo_org: None) -> generator.Summary:
    return generator.generate(tickets=60, days=30, seed=11, now=NOW)


@pytest.mark.django_db
def test_small_run_has_varied_tickets_with_valid_histories(semester: generator.Summary) -> None:
    """60 requests over 30 days span statuses, channels and types; every history is valid (R10.4, R4.8)."""
    tickets = list(Ticket.objects.select_related("lead_unit"))
    assert semester.created == len(tickets) == 60
    assert len({t.status for t in tickets}) >= 3
    assert len({t.channel for t in tickets}) >= 5
    assert len({t.type for t in tickets}) >= 4
    assert len({t.campus_id for t in tickets}) == 2
    assert checks.problems(tickets) == []
    for ticket in tickets:
        first = Event.objects.filter(ticket=ticket).order_by("at", "id").first()
        assert first is not None and first.action == "create"
        assert ticket.received_at <= NOW
        assert HAN.search(ticket.subject) and HAN.search(ticket.content)
    replied = [t for t in tickets if t.status in (Status.REPLIED, Status.CLOSED)]
    assert replied
    for ticket in replied:  # R4.3: only head-approved formal replies are sent, one per round (R7.2)
        sent = list(Reply.objects.filter(ticket=ticket, stage=Reply.Stage.FORMAL, state=Reply.State.SENT))
        assert sorted(r.round for r in sent) == list(range(1, ticket.round + 1))
        for reply in sent:
            assert reply.reviewed_by_id is not None and reply.sent_at is not None
            assert not reply.third_party_flag  # R6.5 wording never goes out


@pytest.mark.django_db
def test_histories_include_overdue_cohandling_and_late_clocks(semester: generator.Summary) -> None:
    """Some requests sit past a deadline now, some were met late, some had co-handling or an instruction."""
    tickets = Ticket.objects.all()
    assert tickets.filter(next_due_at__lte=NOW).exists()
    assert tickets.filter(overdue_count__gt=0).exists()
    assert Event.objects.filter(action="request_cohandling").exists()
    assert Event.objects.filter(action="answer_cohandling").exists()
    assert Note.objects.filter(kind=Note.Kind.INSTRUCTION).exists()  # R6.3 / R2.1
    assert Reply.objects.filter(stage=Reply.Stage.INITIAL).exists()  # R4.2 department / school levels
    assert tickets.filter(
        status__in=[Status.HANDLING, Status.DISPATCHED, Status.NEW, Status.PENDING_APPROVAL]
    ).exists()


@pytest.mark.django_db
def test_direct_channel_texts_fit_the_lead_units_remit(semester: generator.Summary) -> None:
    """R2: a hotline call or a walk-in is about the receiving unit's remit, which leads it."""
    direct = list(Ticket.objects.filter(channel__in=list(DIRECT_CHANNELS)).select_related("lead_unit"))
    assert direct
    for ticket in direct:
        assert ticket.lead_unit is not None and ticket.lead_unit_id == ticket.receiving_unit_id
        words = corpus.keywords_for(ticket.lead_unit.code)
        assert any(w in ticket.subject + ticket.content for w in words), (
            ticket.lead_unit.code,
            ticket.content,
        )


class _Undo(Exception):
    pass


@pytest.mark.django_db
def test_same_seed_same_data_and_reset_is_refused_once_loaded(demo_org: None) -> None:
    """Deterministic for a seed and a present; re-running adds more. Tickets are never deleted (R10.4), so
    --reset with demo tickets loaded is refused with directions to a fresh database, and changes nothing."""
    student = User.objects.get(username="student")
    own = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        content="宿舍楼3号楼302室暖气不热，室温只有12度，请尽快维修。",
        requester=student,
    ).ticket
    with pytest.raises(_Undo), transaction.atomic():
        generator.generate(tickets=25, days=10, seed=5, now=NOW)
        first = _fingerprint()
        raise _Undo
    assert generator.generate(tickets=25, days=10, seed=5, now=NOW, reset=True).deleted == 0
    assert _fingerprint() == first
    with pytest.raises(CommandError, match="fresh database"):
        generator.generate(tickets=25, days=10, seed=5, now=NOW, reset=True)
    generator.generate(tickets=10, days=10, seed=6, now=NOW)
    assert Ticket.objects.count() == 25 + 10 + 1
    assert Ticket.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_bulk_path_writes_consistent_rows(demo_org: None) -> None:
    """The bulk loader's rows are what the services would write, and intake carries on after it."""
    TicketSequence.objects.create(day=NOW.date(), last=7)
    result = bulk.load(tickets=120, days=20, seed=3, now=NOW, batch=50)
    tickets = list(Ticket.objects.all())
    assert result.created == len(tickets) == 120
    assert checks.problems(tickets) == []
    assert {Status.CLOSED, Status.HANDLING} <= {t.status for t in tickets}
    numbers = [t.number for t in tickets]
    assert len(set(numbers)) == 120
    today = [int(n[-6:]) for n in numbers if n.startswith(f"{NOW:%Y%m%d}-")]
    assert today and min(today) == 8  # the day's counter carried on from 7
    for ticket in tickets:  # numbers follow receipt within a day
        assert ticket.number.startswith(f"{ticket.received_at.astimezone(SHANGHAI):%Y%m%d}-")
    assert TicketSequence.objects.get(day=NOW.date()).last == 7 + len(today)
    student = next(t.requester for t in tickets if t.requester is not None)
    created = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=tickets[0].campus,
        content="图书馆三楼自习区插座没电。",
        requester=student,
    )
    assert created.ticket.number not in numbers


def test_every_template_speaks_its_units_remit_and_every_slot_fills() -> None:
    """Each template carries a remit keyword of its unit; rendering never leaves a {slot} behind."""
    rng = random.Random(1)
    for unit, templates in corpus.TEMPLATES.items():
        for template in templates:
            for letter in template[1] * 4:
                text = render.request_text(
                    rng,
                    template,
                    unit_name="法学院",
                    kind_letter=letter,
                    campus=rng.choice(["beijing", "zhuozhou"]),
                )
                assert any(w in text.subject + text.content for w in corpus.KEYWORDS[unit]), (
                    unit,
                    text.content,
                )
                assert "{" not in text.subject + text.content + text.answer
                assert HAN.search(text.answer)
                body = render.reply_text(
                    rng,
                    unit_name="法学院",
                    subject=text.subject,
                    answer=text.answer,
                    hello=render.greeting("李明", letter),
                )
                assert not flags_third_party(body), body  # R6.5
    assert flags_third_party(phrases.FLAGGED_DRAFT.format(party="物业服务公司项目经理"))


def test_requester_pool_is_stable_and_plausible() -> None:
    """Requester i is the same person in every run, with a Chinese name and a mobile number."""
    first, second = person_spec(42), person_spec(42)
    assert first == second
    assert first.username.startswith(PREFIX)
    assert re.fullmatch(r"[\u4e00-\u9fff]{2,4}", first.full_name)
    assert re.fullmatch(r"1[3578]\d{9}", first.phone)
    kinds = {person_spec(i).kind for i in range(200)}
    assert kinds == {"student", "faculty", "staff", "retiree", "external"}


def test_progress_bar_is_plain_text() -> None:
    """The progress bar writes one carriage-returned line and ends with a newline."""
    out = io.StringIO()
    progress = Progress(10, label="demo", stream=out)
    progress.update(10)
    progress.close()
    assert "[##############################]      10/10 100%" in out.getvalue()
    assert out.getvalue().endswith("\n")


@pytest.mark.django_db
def test_command_reports_what_it_wrote(demo_org: None) -> None:
    """`jiesu demo-data` writes the requests and says how many, by status."""
    out = io.StringIO()
    call_command(
        "demo-data", "--tickets", "6", "--days", "3", "--seed", "2", "--quiet", "--no-channels", stdout=out
    )
    assert re.search(r"wrote 6 demo tickets in [\d.]+ s \(", out.getvalue())
    assert Ticket.objects.count() == 6
    call_command(
        "demo-data", "--tickets", "6", "--if-empty", "--quiet", "--no-channels", stdout=out
    )  # make demo, again
    assert "already loaded" in out.getvalue()
    assert Ticket.objects.count() == 6


@pytest.mark.django_db
def test_follow_ups_close_or_reopen_as_the_services_write_them(demo_org: None) -> None:
    """R4.6 / R7: replied requests are followed up (by call or online rating); a satisfied, resolved result
    closes (销账), anything else reopens for a new round with a new reply; anonymous letters close on approval
    (R1.3); some requests still await their follow-up."""
    generator.generate(tickets=120, days=30, seed=11, now=NOW)
    tickets = list(Ticket.objects.all())
    assert checks.problems(tickets) == []
    results = {(f.ticket_id, f.round): f for f in Followup.objects.all()}
    assert results and {f.channel for f in results.values()} == {"phone", "online"}
    for ticket in tickets:
        if ticket.status == Status.CLOSED and ticket.repeat_of_id is None and not ticket.anonymous:
            final = results[(ticket.pk, ticket.round)]
            assert final.outcome in ("satisfied", "basically_satisfied") and final.resolved
        for earlier in range(1, ticket.round):  # every earlier round ended without satisfaction (R7.2)
            assert (ticket.pk, earlier) in results
            ended = results[(ticket.pk, earlier)]
            assert ended.outcome == "dissatisfied" or not ended.resolved
        if ticket.anonymous and ticket.status in (Status.REPLIED, Status.CLOSED):
            assert ticket.status == Status.CLOSED and (ticket.pk, 1) not in results
    assert any(t.round > 1 for t in tickets), "some requests were reopened"
    assert any(t.status == Status.REPLIED for t in tickets), "some still await their follow-up"
    closed_events = Event.objects.filter(action="closed").count()
    assert closed_events == sum(1 for f in results.values() if f.outcome != "dissatisfied" and f.resolved)


@pytest.mark.django_db
def test_bulk_follow_ups_write_the_rows_the_service_writes(demo_org: None) -> None:
    """The bulk loader closes followed-up requests as ``followup_complete`` does: a reached call, the round's
    result and a public "closed" event; anonymous letters close on approval (R1.3)."""
    bulk.load(tickets=150, days=20, seed=3, now=NOW, batch=60)
    closed = Event.objects.filter(action="closed")
    assert closed.exists() and not Event.objects.filter(action="followup").exists()
    reopened = Event.objects.filter(action="reopened").count()  # R7.2: a dissatisfied round reopens
    explained = Event.objects.filter(action="closed_explained").count()  # R6.2
    reached = closed.count() + explained + reopened
    assert reached == FollowupAttempt.objects.filter(result="reached").count()
    # R7.3: the Office's close of an unreachable requester records the round's result, after no reached call.
    unreachable = Event.objects.filter(action="closed_unreachable").count()
    assert reached + unreachable == Followup.objects.count()
    assert all(e.public and e.after["via"] == "phone" for e in closed)
    assert not Ticket.objects.filter(anonymous=True, status=Status.REPLIED).exists()


@pytest.mark.django_db
def test_demo_history_notifies_nobody_and_leaves_the_sweep_nothing_old(demo_org: None) -> None:
    """Demo data describes the past: nobody is notified of it (no inbox or outbox rows), and the past's missed
    deadlines are recorded as a running worker would have, so the worker's first sweep announces nothing old."""
    from django.utils import timezone

    from jiesu.notify.models import Notification, Outbox
    from jiesu.tickets.models import Breach, Clock
    from jiesu.worker.sweep import run_sweep

    out = io.StringIO()
    start = timezone.now()
    call_command("demo-data", "--tickets", "40", "--days", "20", "--seed", "3", "--quiet", stdout=out)
    assert not Notification.objects.exists() and not Outbox.objects.exists()
    now = timezone.now()
    open_clocks = Clock.objects.live().filter(met_at__isnull=True, breached_at__isnull=True, due_at__lte=now)
    assert not open_clocks.exists()
    recorded = int(re.search(r"recorded (\d+) past missed deadlines", out.getvalue()).group(1))  # type: ignore[union-attr]
    # The story's own services record the misses of clocks they supersede (R4.9), at the story's past instants.
    assert recorded == Breach.objects.filter(recorded_at__gte=start).count()
    result = run_sweep(now=now)
    assert (result.overdue, result.due_soon) == (0, 0)


@pytest.mark.django_db
def test_bulk_acknowledged_requests_run_the_default_reply_clock(demo_org: None) -> None:
    """R4.2 as the services write it: a request acknowledged before its level is set runs the default (direct,
    1 working day) reply clock, in the bulk rows too."""
    bulk.load(tickets=300, days=2, seed=8, now=NOW, batch=100)
    waiting = list(Ticket.objects.filter(status=Status.HANDLING, level=""))
    assert waiting, "some requests were acknowledged moments ago"
    assert checks.problems(waiting) == []
    for ticket in waiting:
        clock = Clock.objects.get(ticket=ticket, kind=ClockKind.REPLY, met_at__isnull=True)
        assert clock.started_at == ticket.accepted_at  # R4.0: 受理, the receipt or the dispatch
        assert "1 working day" in clock.rule or "1个工作日" in clock.rule
