"""Stored clocks (R4.1–R4.8) written by the services, with time frozen on known working days of 2026:
Tuesday 10 March 2026, 09:00 Asia/Shanghai unless a test says otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiesu.tickets import selectors, services
from jiesu.tickets.models import Clock, CohandlingRequest, Ticket
from jiesu.tickets.selectors import TicketFilter
from jiesu.tickets.states import Status
from tests.support import at, beijing, unit, user, web_request

TUESDAY_9 = at(2026, 3, 10, 9)
BODY = "已安排维修师傅上门检修。"


@pytest.fixture
def clock(time_machine: Any, demo_org: None) -> Any:
    """Freeze time at an instant and move it on: ``clock(at(...))``."""

    def move(instant: dt.datetime) -> None:
        time_machine.move_to(instant, tick=False)

    move(TUESDAY_9)
    return move


def due(ticket: Ticket) -> dict[str, tuple[dt.datetime, dt.datetime | None, bool | None]]:
    """kind → (due_at, met_at, on_time) of the ticket's live clocks (R4.9: superseded ones are history)."""
    return {c.kind: (c.due_at, c.met_at, c.on_time) for c in Clock.objects.live().filter(ticket=ticket)}


def nearest(ticket: Ticket) -> tuple[dt.datetime | None, str, int]:
    row = Ticket.objects.values_list("next_due_at", "next_clock", "overdue_count").get(pk=ticket.pk)
    return row[0], row[1], row[2]


def _to_handling(ticket: Ticket, level: str) -> None:
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level=level)


@pytest.mark.django_db
def test_direct_ticket_clocks_step_by_step(clock: Any) -> None:
    """R4.5 dispatch by the end of the day, then (R4.0) from the dispatch — 受理 — R4.1 response +2 h and R4.2
    direct reply by the end of the next working day, R4.6 follow-up 48 h after the reply is sent; the ticket
    always carries its nearest unmet clock."""
    ticket = web_request()
    assert ticket.received_at == TUESDAY_9
    assert due(ticket) == {"dispatch": (at(2026, 3, 11), None, None)}
    assert nearest(ticket) == (at(2026, 3, 11), "dispatch", 0)

    clock(at(2026, 3, 10, 9, 30))
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    assert due(ticket)["dispatch"] == (at(2026, 3, 11), at(2026, 3, 10, 9, 30), True)
    assert due(ticket)["response"] == (at(2026, 3, 10, 11, 30), None, None)
    assert nearest(ticket) == (at(2026, 3, 10, 11, 30), "response", 0)

    clock(at(2026, 3, 10, 10))
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    assert due(ticket)["response"] == (at(2026, 3, 10, 11, 30), at(2026, 3, 10, 10), True)
    # R4.2: until the level is set, the shortest (direct) reply clock runs, so the ticket is never without one.
    assert nearest(ticket) == (at(2026, 3, 12), "reply", 0)

    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    reply = Clock.objects.live().get(ticket=ticket, kind="reply")
    assert (reply.started_at, reply.due_at, reply.met_at) == (at(2026, 3, 10, 9, 30), at(2026, 3, 12), None)
    assert nearest(ticket) == (at(2026, 3, 12), "reply", 0)

    clock(at(2026, 3, 11, 15))
    services.reply_submit(actor=user("officer"), ticket=ticket, body=BODY)
    assert nearest(ticket) == (at(2026, 3, 12), "reply", 0), (
        "awaiting the head does not stop the clock (R4.3)"
    )
    clock(at(2026, 3, 11, 16))
    services.reply_approve(actor=user("head"), ticket=ticket)
    assert due(ticket)["reply"] == (at(2026, 3, 12), at(2026, 3, 11, 16), True)
    assert due(ticket)["followup"] == (at(2026, 3, 13, 16), None, None)
    assert nearest(ticket) == (at(2026, 3, 13, 16), "followup", 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("level", "initial_due"), [("department", at(2026, 3, 13)), ("school", at(2026, 3, 14))]
)
def test_department_and_school_initial_reply_then_planned_date(
    level: str, initial_due: dt.datetime, clock: Any
) -> None:
    """R4.2: the initial reply is due at the end of the 2nd (department) / 3rd (school) working day after
    receipt; the formal reply then at the end of the planned date, moved only with a reason."""
    ticket = web_request()
    _to_handling(ticket, level)
    initial = Clock.objects.get(ticket=ticket, kind="initial_reply")
    assert (initial.started_at, initial.due_at) == (TUESDAY_9, initial_due)
    assert not Clock.objects.live().filter(ticket=ticket, kind="reply").exists()
    assert nearest(ticket) == (initial_due, "initial_reply", 0)

    clock(at(2026, 3, 11, 10))
    services.initial_reply_send(
        actor=user("officer"), ticket=ticket, body="正在研究。", planned_date=dt.date(2026, 3, 20)
    )
    assert due(ticket)["initial_reply"] == (initial_due, at(2026, 3, 11, 10), True)
    assert due(ticket)["reply"] == (at(2026, 3, 21), None, None)
    assert nearest(ticket) == (at(2026, 3, 21), "reply", 0)

    services.planned_date_move(
        actor=user("officer"), ticket=ticket, planned_date=dt.date(2026, 3, 25), reason="需等待设备到货"
    )
    assert due(ticket)["reply"] == (at(2026, 3, 26), None, None)
    assert nearest(ticket) == (at(2026, 3, 26), "reply", 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "response_due"),
    [
        (at(2026, 3, 10, 23), at(2026, 3, 11, 10)),
        (at(2026, 3, 10, 22), at(2026, 3, 11, 10)),
        (at(2026, 3, 11, 7, 59), at(2026, 3, 11, 10)),
        (at(2026, 3, 10, 21, 59), at(2026, 3, 10, 23, 59)),
        (at(2026, 3, 14, 9), at(2026, 3, 14, 11)),  # a Saturday: 全时受理, every day counts
    ],
)
def test_response_clock_night_window(received: dt.datetime, response_due: dt.datetime, clock: Any) -> None:
    """R4.1: accepted in the night window [22:00, 08:00) → due 10:00 of the morning that ends it; for an
    Office channel 受理 is the dispatch (R4.0), so the window is judged at the dispatch."""
    clock(received)
    ticket = web_request()
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    assert due(ticket)["response"][0] == response_due


@pytest.mark.django_db
def test_night_receipt_dispatch_is_the_nearest_clock(clock: Any) -> None:
    """R4.5 / R4.1: a web request at 23:00 must still be dispatched by midnight, before its 10:00 response."""
    clock(at(2026, 3, 10, 23))
    ticket = web_request()
    assert nearest(ticket) == (at(2026, 3, 11), "dispatch", 0)


@pytest.mark.django_db
@pytest.mark.parametrize("hour", [9, 23])
def test_urgent_response_is_thirty_minutes_at_any_hour(hour: int, clock: Any) -> None:
    """R4.1 / R1.5: urgent → 受理 (here the duty room's dispatch, R4.0) + 30 min, by night too."""
    clock(at(2026, 3, 10, hour))
    created = services.ticket_create(
        actor=user("duty"),
        channel="duty_room",
        type="help",
        campus=beijing(),
        content="宿舍卫生间漏水，水已漫到走廊。",
        requester_name="王同学",
        requester_kind="student",
        contact_phone="13812345678",
        urgent=True,
        urgent_reason="宿舍漏水",
    )
    services.ticket_dispatch(actor=user("dispatcher"), ticket=created.ticket, lead_unit=unit("logistics"))
    assert due(created.ticket)["response"][0] == at(2026, 3, 10, hour, 30)


@pytest.mark.django_db
def test_clocks_met_late_are_flagged_and_counted(clock: Any) -> None:
    """R4.8: a clock met after its due instant keeps on_time=False and counts in Ticket.overdue_count."""
    ticket = web_request()
    clock(at(2026, 3, 10, 23, 30))
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    assert due(ticket)["dispatch"][2] is True, "23:30 is still the day of receipt"
    clock(at(2026, 3, 11, 11))  # dispatched in the night window: the response was due at 10:00 (R4.1)
    services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    assert due(ticket)["response"] == (at(2026, 3, 11, 10), at(2026, 3, 11, 11), False)
    assert nearest(ticket)[2] == 1
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    clock(at(2026, 3, 12, 9))
    services.reply_submit(actor=user("officer"), ticket=ticket, body=BODY)
    services.reply_approve(actor=user("head"), ticket=ticket)
    assert due(ticket)["reply"] == (at(2026, 3, 12), at(2026, 3, 12, 9), False)
    assert nearest(ticket) == (at(2026, 3, 14, 9), "followup", 2)


@pytest.mark.django_db
def test_level_change_recomputes_from_receipt(clock: Any) -> None:
    """R4.2: a level change recomputes the reply clocks from received_at, never from the change."""
    ticket = web_request()
    _to_handling(ticket, "direct")
    clock(at(2026, 3, 11, 10))
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department", reason="需本部门研究")
    initial = Clock.objects.get(ticket=ticket, kind="initial_reply")
    assert (initial.started_at, initial.due_at) == (TUESDAY_9, at(2026, 3, 13)), (
        "not 14 March (from the change)"
    )
    assert not Clock.objects.live().filter(ticket=ticket, kind="reply").exists()
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="school", reason="需学校研究")
    assert due(ticket)["initial_reply"][0] == at(2026, 3, 14)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct", reason="可直接解决")
    assert set(due(ticket)) == {"response", "dispatch", "reply"}
    assert due(ticket)["reply"][0] == at(2026, 3, 12)
    assert nearest(ticket) == (at(2026, 3, 12), "reply", 0)


@pytest.mark.django_db
def test_working_days_skip_the_weekend(clock: Any) -> None:
    """R4.2: received on a Friday, a direct reply is due at the end of Monday."""
    clock(at(2026, 3, 13, 16))
    ticket = web_request()
    _to_handling(ticket, "direct")
    assert due(ticket)["reply"][0] == at(2026, 3, 17)


@pytest.mark.django_db
def test_cohandling_answer_clock(clock: Any) -> None:
    """R4.4: a co-handling unit answers by the end of the next working day; a later answer is flagged."""
    ticket = web_request()
    _to_handling(ticket, "department")
    clock(at(2026, 3, 10, 10))
    item = services.cohandling_request(
        actor=user("officer"), ticket=ticket, unit=unit("security"), request="请协助"
    )
    assert item.due_at == at(2026, 3, 12)
    clock(at(2026, 3, 12, 9))
    services.cohandling_answer(actor=user("security_officer"), item=item, answer="已协助开门")
    assert CohandlingRequest.objects.get(pk=item.pk).on_time is False


@pytest.mark.django_db
def test_clock_state_in_the_query(clock: Any) -> None:
    """R4.8: ok, then due_soon from the later of 25 % of the window / 2 h before the due instant, then
    overdue — derived in SQL from the stored columns, and the worklist filters agree."""
    ticket = web_request()
    _to_handling(ticket, "direct")  # reply: 10 Mar 09:00 → 12 Mar 00:00, 39 h; 25 % = 9 h 45 min
    assert Ticket.objects.get(pk=ticket.pk).next_soon_at == at(2026, 3, 11, 14, 15)
    officer = user("officer")
    for instant, state in [
        (at(2026, 3, 11, 14, 14), "ok"),
        (at(2026, 3, 11, 14, 15), "due_soon"),
        (at(2026, 3, 11, 23, 59), "due_soon"),
        (at(2026, 3, 12, 0, 1), "overdue"),
    ]:
        clock(instant)
        row = selectors.unit_inbox(officer).get(pk=ticket.pk)
        assert getattr(row, "clock_state") == state, instant  # noqa: B009 - an annotation
        for name in ("ok", "due_soon", "overdue"):
            found = selectors.unit_inbox(officer, TicketFilter(clock=name)).filter(pk=ticket.pk).exists()
            assert found == (name == state), (instant, name)
        assert (ticket.pk in {t.pk for t in selectors.overdue_board(user("dispatcher"))}) == (
            state == "overdue"
        )


@pytest.mark.django_db
def test_short_window_is_due_soon_from_the_start(clock: Any) -> None:
    """R4.8: a 2-hour response window has under 2 h left from the first minute (the dispatch, R4.0): due soon
    at once."""
    ticket = web_request()
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    assert Ticket.objects.get(pk=ticket.pk).next_soon_at == TUESDAY_9
    row = selectors.unit_inbox(user("officer")).get(pk=ticket.pk)
    assert getattr(row, "clock_state") == "due_soon"  # noqa: B009 - an annotation
    assert row.status == Status.DISPATCHED


@pytest.mark.django_db
def test_a_met_clock_keeps_its_result_and_count_through_level_changes(clock: Any) -> None:
    """R4.8 / R4.9: a met clock is never recomputed: an initial reply late for department level stays late (and
    counted once) when the level becomes school and back."""
    ticket = web_request()
    _to_handling(ticket, "department")
    clock(at(2026, 3, 13, 10))
    services.initial_reply_send(
        actor=user("officer"), ticket=ticket, body="正在研究。", planned_date=dt.date(2026, 3, 20)
    )
    assert due(ticket)["initial_reply"][2] is False and nearest(ticket)[2] == 1
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="school", reason="需学校研究")
    assert due(ticket)["initial_reply"] == (at(2026, 3, 13), at(2026, 3, 13, 10), False)
    assert nearest(ticket)[2] == 1
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="department", reason="本部门可解决")
    assert due(ticket)["initial_reply"][2] is False and nearest(ticket)[2] == 1
