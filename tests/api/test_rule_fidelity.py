"""API v1 after issue 12: each item as an integration sees it — a referral's own deadline and its report back
(R2.6), the explained and unreachable closures with their Chinese labels (R6.2, R7.3), a leader's instruction
and the unit's action on it (R6.3), a co-handling progress report (R3.3), the Office's lists (R7.4)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from tests.api.conftest import assert_error
from tests.support import at, beijing, unit, user
from tests.tickets.test_rule_fidelity_support import START, attempt, handled, step, web_replied

pytestmark = pytest.mark.django_db


def _ok(response, status: str | None = None) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    if status is not None:
        assert body["status"] == status
    return body


def test_referrals_source_deadline_and_report_back_through_the_api(as_token, demo_org) -> None:
    """R2.6: a referral posted with its source's deadline has a ``source`` clock (also when the worker records
    the accepted request); after the approved reply the Office lists it under ``report_back`` until the unit
    posts the report."""
    office, officer = as_token("dispatcher"), as_token("officer")
    due = "2026-03-13T17:00:00+08:00"
    with time_machine.travel(START, tick=False):
        created = office.post(
            "/tickets",
            {
                "channel": "referral",
                "type": "complaint",
                "campus": "beijing",
                "content": "市民反映：学校东门外夜间施工噪音扰民。",
                "requester_name": "赵女士",
                "contact_phone": "13700003333",
                "source_name": "北京市12345市民服务热线",
                "source_reference": "BJ12345-0088",
                "source_due_at": due,
            },
        )
        assert created.status_code == 201, created.content
        number = created.json()["number"]
        detail = _ok(office.get(f"/tickets/{number}"))
    assert dt.datetime.fromisoformat(detail["source_due_at"]) == at(2026, 3, 13, 17)
    [source] = [c for c in detail["clocks"] if c["kind"] == "source"]
    assert (source["status"], source["met_at"]) == ("ok", None)

    ticket = handled(Ticket.objects.get(number=number), START + dt.timedelta(minutes=30))
    step(
        at(2026, 3, 10, 14), services.reply_submit, actor=user("officer"), ticket=ticket, body="已协调停工。"
    )
    step(at(2026, 3, 10, 15), services.reply_approve, actor=user("head"), ticket=ticket)
    with time_machine.travel(at(2026, 3, 10, 16), tick=False):
        listed = _ok(office.get("/tickets", {"list": "report_back"}))
        assert [t["number"] for t in listed["items"]] == [number]
        assert_error(officer.post(f"/tickets/{number}/report-back", {"text": " "}), 400, "invalid", "text")
        _ok(officer.post(f"/tickets/{number}/report-back", {"text": "已电话反馈12345热线。"}))
        assert _ok(office.get("/tickets", {"list": "report_back"}))["items"] == []
        clocks = {c["kind"]: c for c in _ok(office.get(f"/tickets/{number}"))["clocks"]}
    assert clocks["report_back"]["on_time"] is True and clocks["source"]["on_time"] is True


def test_closures_that_close_through_the_api(as_token, demo_org) -> None:
    """R6.2 / R7.3: the follow-up endpoint closes an accepted explanation as ``closed_explained``; an unreachable
    requester goes to the Office's ``unreachable`` list and is closed there — each with its Chinese label."""
    explained = web_replied(kind="out_of_remit", body="该路段不属学校管理。", suggestion="我处已转告街道办。")
    with time_machine.travel(START + dt.timedelta(hours=5), tick=False):
        body = _ok(
            as_token("officer").post(
                f"/tickets/{explained.number}/followup",
                {"outcome": "dissatisfied", "resolved": False, "accepts_explanation": True},
            ),
            "closed_explained",
        )
    assert body["status_label"] == "已解释办结"

    ticket = web_replied(START + dt.timedelta(minutes=20))
    for when in (at(2026, 3, 10, 14), at(2026, 3, 10, 16), at(2026, 3, 11, 9)):
        attempt(ticket, when)
    office = as_token("dispatcher")
    with time_machine.travel(at(2026, 3, 11, 9, 30), tick=False):
        _ok(
            as_token("officer").post(f"/tickets/{ticket.number}/followup", {"outcome": "unreachable"}),
            "unreachable_review",
        )
        listed = _ok(office.get("/tickets", {"list": "unreachable"}))
        assert [t["number"] for t in listed["items"]] == [ticket.number]
        assert listed["items"][0]["status_label"] == "联系不上诉求人，待党政办公室处理"
        assert_error(
            as_token("head").post(f"/tickets/{ticket.number}/unreachable/close", {}), 403, "forbidden"
        )
        closed = _ok(office.post(f"/tickets/{ticket.number}/unreachable/close", {"reason": "停机。"}))
    assert (closed["status"], closed["status_label"]) == ("closed_unreachable", "无法联系办结")


def test_instruction_and_cohandling_progress_through_the_api(as_token, demo_org) -> None:
    """R6.3: the leader's instruction is a note the unit answers through its own endpoint; R3.3: a progress
    report keeps the co-handling request open as a continuation (``origin``) until the result."""
    ticket = handled(step(START, services.ticket_create, **_web()).ticket, START)
    path = f"/tickets/{ticket.number}"
    note_id = _ok(as_token("leader").post(f"{path}/instruct", {"body": "请今日内解决。"}))["id"]
    officer = as_token("officer")
    [note] = [n for n in _ok(officer.get(path))["notes"] if n["id"] == note_id]
    assert note["answered"] is False
    response_id = _ok(officer.post(f"{path}/instructions/{note_id}/respond", {"body": "已完成维修。"}))["id"]
    notes = {n["id"]: n for n in _ok(officer.get(path))["notes"]}
    assert notes[note_id]["answered"] is True and notes[response_id]["responds_to"] == note_id

    item = services.cohandling_request(
        actor=user("officer"), ticket=ticket, unit=unit("library"), request="请核实闭馆时间。"
    )
    library = as_token("library_officer")
    answer = f"{path}/cohandling/{item.pk}/answer"
    assert_error(library.post(answer, {"finished": False, "stage": "正在核对。"}), 400, "invalid", "reason")
    _ok(library.post(answer, {"finished": False, "stage": "正在核对。", "reason": "需查阅值班记录。"}))
    rows = _ok(officer.get(path))["cohandling"]
    assert [(r["finished"], r["origin"]) for r in rows] == [(False, None), (None, item.pk)]
    _ok(library.post(answer, {"answer": "闭馆时间为22:00。"}))
    assert [r["finished"] for r in _ok(officer.get(path))["cohandling"]] == [False, True]


def test_office_is_told_and_lists_replied_tickets_through_the_api(as_token, demo_org) -> None:
    """R7.4: the Office's ``replied`` list holds the tickets it dispatched that await their follow-up."""
    ticket = web_replied()
    listed = _ok(as_token("dispatcher").get("/tickets", {"list": "replied"}))
    assert [t["number"] for t in listed["items"]] == [ticket.number]


def _web() -> dict:
    student = user("student")
    student.phone = "13812345678"
    student.save(update_fields=["phone"])
    return {
        "actor": student,
        "channel": "web",
        "type": "help",
        "campus": beijing(),
        "content": "宿舍楼3号楼302室暖气不热。",
        "requester": student,
    }
