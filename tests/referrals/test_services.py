"""Importing referral sheets through the services (R2.6, issue 15 item 5): preview, per-row errors, the one
intake path, no duplicate when a sheet is imported twice, chunks that survive a crash."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from jiesu.referrals import services
from jiesu.referrals.models import ImportStatus, ReferralImport, ReferralLog, ReferralRow
from jiesu.referrals.sheet import SheetError
from jiesu.tickets import services as ticket_services
from jiesu.tickets.errors import NotAllowed
from jiesu.tickets.models import Channel, Clock, ClockKind, Event, Ticket
from jiesu.tickets.states import Status
from jiesu.workcalendar.clocks import SHANGHAI
from tests.referrals.sheets import HEADERS, numbered, row, xlsx
from tests.support import at, beijing, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]
NOW = at(2026, 12, 2, 10)


def upload(data: bytes, *, actor: str = "dispatcher", source: str = "12345") -> ReferralImport:
    return services.referral_import_upload(
        actor=user(actor),
        filename="转办单.xlsx",
        data=data,
        source_name=source,
        campus=beijing(),
        type="help",
    )


def imported(data: bytes, **kwargs: Any) -> ReferralImport:
    batch = upload(data, **kwargs)
    return services.referral_import_now(actor=user("dispatcher"), batch=batch)


def errors_of(batch: ReferralImport) -> dict[int, list[str]]:
    return {f["line"]: f["errors"] for f in batch.failures}


@time_machine.travel(NOW, tick=False)
def test_a_sheet_is_recorded_as_referrals_exactly_as_the_form_records_one() -> None:
    """Each row becomes a referral ticket awaiting dispatch, with the source, its reference and its deadline
    as a clock of its own, a "create" history row and the requester's receipt — the same rows as
    ``ticket_create`` writes for the referral form."""
    batch = imported(xlsx([row()]))
    assert (batch.status, batch.created_count, batch.failed_count) == (ImportStatus.DONE, 1, 0)
    ticket = ReferralRow.objects.get().ticket
    assert ticket.channel == Channel.REFERRAL and ticket.status == Status.NEW
    assert (ticket.source_name, ticket.source_reference) == ("12345市民服务热线", "BJ12345-0001")
    assert ticket.source_due_at == dt.datetime(2026, 12, 4, 17, tzinfo=SHANGHAI)
    assert ticket.received_at == dt.datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
    assert ticket.recorded_by == user("dispatcher")
    form = ticket_services.ticket_create(
        actor=user("dispatcher"),
        channel=Channel.REFERRAL,
        type="help",
        campus=beijing(),
        content=ticket.content,
        requester_name="张三",
        contact_phone="13800138000",
        received_at=ticket.received_at,
        source_name="12345市民服务热线",
        source_reference="BJ12345-0002",
        source_due_at=ticket.source_due_at,
    ).ticket

    def shape(t: Ticket) -> tuple[Any, ...]:
        clocks = sorted((c.kind, c.started_at, c.due_at) for c in Clock.objects.filter(ticket=t))
        events = [
            (e.action, e.from_status, e.to_status, e.at, e.after) for e in Event.objects.filter(ticket=t)
        ]
        return (t.status, t.next_due_at, t.next_clock, t.search_text, clocks, events)

    assert shape(ticket) == shape(form)
    assert {c.kind for c in Clock.objects.filter(ticket=ticket)} == {ClockKind.DISPATCH, ClockKind.SOURCE}
    assert ticket.number.startswith("20261201-")


@time_machine.travel(NOW, tick=False)
def test_the_same_sheet_imported_twice_records_each_referral_once() -> None:
    """The second import skips every row as a duplicate, naming the request already recorded."""
    data = xlsx(numbered(3))
    first = imported(data)
    second_preview = upload(data)
    assert (second_preview.valid_rows, second_preview.duplicate_count) == (0, 3)
    assert [r["duplicate_of"] for r in second_preview.preview] == list(
        ReferralRow.objects.order_by("line").values_list("ticket__number", flat=True)
    )
    assert first.created_count == 3
    assert Ticket.objects.filter(channel=Channel.REFERRAL).count() == 3


@time_machine.travel(NOW, tick=False)
def test_the_database_refuses_a_second_row_with_the_same_source_and_reference() -> None:
    """The key is a unique constraint, not only a check in Python."""
    from django.db import IntegrityError, transaction

    imported(xlsx([row()]))
    existing = ReferralRow.objects.get()
    other = Ticket.objects.exclude(pk=existing.ticket_id).first() or existing.ticket
    with pytest.raises(IntegrityError), transaction.atomic():
        ReferralRow.objects.create(
            batch=existing.batch,
            line=9,
            source_name=existing.source_name,
            reference="BJ12345-0001",
            ticket=other,
        )


@time_machine.travel(NOW, tick=False)
def test_a_reference_of_another_source_is_another_referral() -> None:
    imported(xlsx([row()]))
    batch = imported(xlsx([row()]), source="全国总工会")
    assert batch.created_count == 1
    assert ReferralRow.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_each_faulty_row_is_named_with_its_errors_in_chinese_and_nothing_of_it_is_written() -> None:
    """Empty content, unknown and impossible dates, a deadline before receipt, a repeated reference, HTML,
    over-long text, a future receipt: each row refused with its reason, the good rows imported."""
    rows = [
        row(reference="A1"),  # line 2: fine
        row(reference="A2", content=""),
        row(reference="A3", received="明天上午"),
        row(reference="A4", due="2026-11-30 12:00"),
        row(reference="A1"),  # line 6: repeats line 2
        row(reference="A6", content="<script>alert(1)</script>暖气不热"),
        row(reference="A7", name="张" * 65),
        row(reference="A8", received="2026-12-09 09:00", due="2026-12-12 12:00"),
        row(reference="A9", phone="call me"),
        row(reference="", name=""),
    ]
    batch = imported(xlsx(rows))
    errors = errors_of(batch)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10, 11}
    assert errors[3] == ["诉求内容不能为空。"]
    assert "受理时间：“明天上午”不是日期" in errors[4][0]
    assert errors[5] == ["办理时限早于受理时间。"]
    assert errors[6] == ["工单编号 A1 与表中第 2 行重复。"]
    assert "网页标记" in errors[7][0]
    assert errors[8] == ["诉求人过长（最多 64 个字）。"]
    assert errors[9] == ["受理时间不能晚于当前时间。"]
    assert "电话号码只能包含" in errors[10][0]
    assert set(errors[11]) == {"工单编号不能为空。", "诉求人不能为空。"}
    assert batch.created_count == 1
    assert list(ReferralRow.objects.values_list("reference", flat=True)) == ["A1"]
    assert Ticket.objects.filter(channel=Channel.REFERRAL).count() == 1


@time_machine.travel(NOW, tick=False)
def test_a_sheet_refused_as_a_whole_records_nothing() -> None:
    with pytest.raises(SheetError):
        upload(xlsx([row()[1:]], headers=HEADERS[1:]))
    with pytest.raises(SheetError):
        upload(b"%PDF-1.4 not a sheet")
    assert not ReferralImport.objects.exists()
    assert not Ticket.objects.filter(channel=Channel.REFERRAL).exists()


@time_machine.travel(NOW, tick=False)
def test_only_the_office_imports_referral_sheets() -> None:
    with pytest.raises(NotAllowed):
        upload(xlsx([row()]), actor="officer")


@time_machine.travel(NOW, tick=False)
def test_the_preview_writes_no_ticket_and_shows_contacts_masked() -> None:
    batch = upload(xlsx(numbered(30)))
    assert batch.status == ImportStatus.PREVIEWED
    assert (batch.total_rows, batch.valid_rows) == (30, 30)
    assert len(batch.preview) == 20
    assert batch.preview[0]["phone"] == "138****8000"
    assert not Ticket.objects.filter(channel=Channel.REFERRAL).exists()
    assert list(ReferralLog.objects.values_list("action", flat=True)) == ["uploaded"]


@time_machine.travel(NOW, tick=False)
def test_chunks_commit_as_they_go_and_a_crashed_import_resumes_without_duplicates(monkeypatch) -> None:
    """A worker dying after the first chunk leaves that chunk recorded; running the batch again records the
    rest and counts the first chunk's rows as created, not as duplicates."""
    monkeypatch.setattr(services, "CHUNK", 4)
    batch = upload(xlsx(numbered(10)))
    services.referral_import_confirm(actor=user("dispatcher"), batch=batch, queue=False)

    def crash(progress: ReferralImport) -> None:
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        services.referral_import_run(batch_id=batch.pk, progress=crash)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED
    assert (batch.processed_rows, batch.created_count) == (4, 4)
    assert ReferralRow.objects.count() == 4
    services.referral_import_confirm(actor=user("dispatcher"), batch=batch, resume=True, queue=False)
    done = services.referral_import_run(batch_id=batch.pk)
    assert (done.status, done.created_count, done.duplicate_count) == (ImportStatus.DONE, 10, 0)
    assert ReferralRow.objects.count() == 10 == Ticket.objects.filter(channel=Channel.REFERRAL).count()
    assert list(ReferralLog.objects.filter(batch=batch).values_list("action", flat=True)) == [
        "uploaded",
        "confirmed",
        "started",
        "stopped",
        "resumed",
        "started",
        "finished",
    ]


@time_machine.travel(NOW, tick=False)
def test_a_chunk_meeting_keys_recorded_meanwhile_is_recorded_without_them() -> None:
    """Two batches of the same sheet confirmed before either ran: the second skips what the first recorded."""
    data = xlsx(numbered(5))
    first, second = upload(data), upload(data)
    for batch in (first, second):
        services.referral_import_confirm(actor=user("dispatcher"), batch=batch, queue=False)
    services.referral_import_run(batch_id=first.pk)
    done = services.referral_import_run(batch_id=second.pk)
    assert (done.created_count, done.duplicate_count) == (0, 5)
    assert Ticket.objects.filter(channel=Channel.REFERRAL).count() == 5


@time_machine.travel(NOW, tick=False)
def test_confirming_queues_the_import_for_a_worker_after_the_commit(
    django_capture_on_commit_callbacks,
) -> None:
    asked: list[int] = []
    services.on_import_requested(asked.append)
    try:
        batch = upload(xlsx([row()]))
        with django_capture_on_commit_callbacks(execute=True):
            services.referral_import_confirm(actor=user("dispatcher"), batch=batch)
    finally:
        services._hooks.remove(asked.append)
    assert asked == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.QUEUED
    with pytest.raises(Exception, match="已经开始"):
        services.referral_import_confirm(actor=user("dispatcher"), batch=batch)


@time_machine.travel(NOW, tick=False)
def test_the_batch_entry_point_writes_nothing_when_one_row_is_invalid() -> None:
    """``ticket_create_many`` is all or nothing and names the row at fault."""
    good = {
        "actor": user("dispatcher"),
        "channel": Channel.REFERRAL,
        "type": "help",
        "campus": beijing(),
        "content": "暖气不热",
        "requester_name": "张三",
        "contact_phone": "13800138000",
        "source_name": "12345市民服务热线",
    }
    with pytest.raises(Exception) as caught:
        ticket_services.ticket_create_many([good, {**good, "content": ""}])
    assert caught.value.index == 1  # type: ignore[attr-defined]
    assert not Ticket.objects.filter(channel=Channel.REFERRAL).exists()
    made = ticket_services.ticket_create_many([good, good])
    assert len({m.ticket.number for m in made}) == 2


@time_machine.travel(NOW, tick=False)
def test_a_batch_tells_each_requester_as_a_single_intake_does() -> None:
    """``ticket_create_many`` publishes the same "received" receipts as ``ticket_create`` (one SMS per
    requester with their own number and tracking code), written for the batch at once."""
    from jiesu.notify.models import Outbox

    fields = {
        "actor": user("dispatcher"),
        "channel": Channel.REFERRAL,
        "type": "help",
        "campus": beijing(),
        "content": "暖气不热",
        "requester_name": "张三",
        "contact_phone": "13800138000",
        "contact_email": "zhang@example.com",
        "source_name": "12345市民服务热线",
    }
    single = ticket_services.ticket_create(**fields)
    batch = ticket_services.ticket_create_many([fields, {**fields, "contact_phone": "13900139000"}])

    def receipts(made: Any) -> list[tuple[str, str, str, str]]:
        rows = Outbox.objects.filter(event="received", body__contains=made.ticket.number)
        return sorted(
            (
                r.channel,
                r.address,
                r.subject.replace(made.ticket.number, "N"),
                r.body.replace(made.ticket.number, "N").replace(made.tracking_code, "C"),
            )
            for r in rows
        )

    assert receipts(single)
    assert receipts(batch[0]) == receipts(single)
    assert {r[1] for r in receipts(batch[1])} == {"13900139000", "zhang@example.com"}


def _queries_of_run(monkeypatch, rows: int, chunk: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services, "CHUNK", chunk)
    batch = upload(xlsx(numbered(rows, prefix=f"Q{rows}-{chunk}-")))
    services.referral_import_confirm(actor=user("dispatcher"), batch=batch, queue=False)
    with CaptureQueriesContext(connection) as queries:
        done = services.referral_import_run(batch_id=batch.pk)
    assert done.created_count == rows
    return len(queries)


@time_machine.travel(NOW, tick=False)
def test_the_queries_of_an_import_grow_with_its_chunks_not_with_its_rows(monkeypatch) -> None:
    """Each chunk is a fixed number of statements (a lookup of its keys, one insert per table, the progress),
    whatever its size: 4 or 12 rows in one chunk cost the same, and each further chunk the same again. (A
    table's insert is split past the database's limit on parameters: SQLite's 999 are 27 tickets, so the
    chunks here stay below it.)"""
    one_small = _queries_of_run(monkeypatch, rows=4, chunk=12)
    one_full = _queries_of_run(monkeypatch, rows=12, chunk=12)
    two = _queries_of_run(monkeypatch, rows=24, chunk=12)
    three = _queries_of_run(monkeypatch, rows=36, chunk=12)
    assert one_small == one_full
    assert three - two == two - one_full > 0
