"""One status vocabulary for requesters and one for staff, used the same on every page; the requester's pages
say when to expect the next step (issue 14 items 4 and 5)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from jiesu.tickets import vocabulary
from jiesu.tickets.states import CLOSED_STATUSES, Status
from tests.support import drive, signed_in

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("status", list(Status))
def test_every_status_has_words_for_both_audiences(status: Status) -> None:
    """Each status has a requester label and a staff label in Chinese, and a badge."""
    with translation.override("zh-hans"):
        plain = vocabulary.requester_status(status)
        staff = vocabulary.staff_status(status)
    assert plain != status.value
    assert staff != status.value
    assert not any(c.isascii() and c.isalpha() for c in plain + staff)
    assert vocabulary.badge(status).startswith("badge-")


def test_requesters_are_not_told_how_a_closure_is_counted() -> None:
    """Every closure reads 已办结 for the requester; staff see which closure it was."""
    with translation.override("zh-hans"):
        assert {vocabulary.requester_status(s) for s in CLOSED_STATUSES} == {"已办结"}
        assert len({vocabulary.staff_status(s) for s in CLOSED_STATUSES}) == len(CLOSED_STATUSES)


@pytest.mark.parametrize(
    ("status", "clock", "due", "planned", "text"),
    [
        (
            "new",
            "dispatch",
            dt.datetime(2026, 12, 9, tzinfo=SHANGHAI),
            None,
            "下一步：党政办公室将诉求转交承办单位（12-08 当天内）",
        ),
        (
            "dispatched",
            "response",
            dt.datetime(2026, 12, 9, 10, tzinfo=SHANGHAI),
            None,
            "下一步：承办单位回应受理（12-09 10:00 前）",
        ),
        (
            "handling",
            "reply",
            dt.datetime(2026, 12, 11, tzinfo=SHANGHAI),
            None,
            "下一步：您将收到正式答复（12-10 当天内）",
        ),
        (
            "handling",
            "source",
            dt.datetime(2026, 12, 11, tzinfo=SHANGHAI),
            dt.date(2026, 12, 20),
            "下一步：您将收到正式答复（计划 12-20）",
        ),
        ("closed", "", None, None, ""),
        ("unreachable_review", "", None, None, ""),
    ],
)
def test_next_step_names_what_comes_and_by_when(
    status: str, clock: str, due: dt.datetime | None, planned: dt.date | None, text: str
) -> None:
    """The nearest open deadline becomes the requester's next step, midnight read as the day before."""
    with translation.override("zh-hans"):
        assert vocabulary.next_step(status, clock, due, planned) == text


@pytest.mark.django_db
def test_requester_pages_use_the_requester_words(demo_org: None) -> None:
    """我的诉求 and the requester's ticket page show the same plain status and the next step; the staff page
    shows the staff status."""
    ticket = drive(Status.DISPATCHED)
    student = signed_in("student")
    mine = student.get("/requests/mine/").content.decode()
    page = student.get(f"/tickets/{ticket.number}/").content.decode()
    for text in (mine, page):
        with translation.override("zh-hans"):
            assert vocabulary.requester_status("dispatched") in text
        assert 'data-testid="next-step">下一步：承办单位回应受理' in text
    staff = signed_in("officer").get(f"/tickets/{ticket.number}/").content.decode()
    with translation.override("zh-hans"):
        assert vocabulary.staff_status("dispatched") in staff
    assert 'data-testid="next-step"' not in staff
