"""Issuing the weekly report (R8.3): the file is archived unchanged with its SHA-256, a week later too; a
correction is a new issue that links the corrected one; the database refuses changes to issued reports."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.db import IntegrityError, transaction

from jiesu.reporting.models import IssuedReport, ReportLog
from jiesu.reporting.services import ReportingError, issued_download, weekly_draft_save, weekly_issue
from jiesu.reporting.weekly import Week
from tests.reporting.conftest import AS_OF, WEEK
from tests.support import user

pytestmark = pytest.mark.django_db


def test_an_issued_report_is_byte_identical_a_week_later(known_week) -> None:
    """Issued on Monday; a week later the figures have moved, and the archived file has not."""
    week = Week.parse(WEEK)
    office = user("dispatcher")
    with time_machine.travel(AS_OF, tick=False):
        weekly_draft_save(actor=office, week=week, texts={"summary": "本周平稳。"}, omitted=[])
        issued = weekly_issue(actor=office, week=week)
    first = bytes(issued.content)
    assert issued.sha256 == hashlib.sha256(first).hexdigest() and issued.size == len(first)
    assert issued.serial == 1 and issued.corrects is None
    t = known_week.tickets["w2"]
    t.clocks.filter(kind="reply").update(met_at=AS_OF, on_time=False)  # the week's data changes afterwards
    with time_machine.travel(AS_OF + dt.timedelta(days=7), tick=False):
        weekly_draft_save(
            actor=office, week=week, texts={"summary": "改写后的文字。"}, omitted=["hot_topics"]
        )
        again = IssuedReport.objects.get(pk=issued.pk)
        assert issued_download(actor=office, report=again) == first
    assert hashlib.sha256(bytes(again.content)).hexdigest() == issued.sha256
    assert ReportLog.objects.filter(action="downloaded", subject=f"issued:{issued.pk}").count() == 1


def test_a_second_issue_must_be_a_correction_with_a_reason(known_week) -> None:
    week = Week.parse(WEEK)
    office = user("dispatcher")
    first = weekly_issue(actor=office, week=week)
    with pytest.raises(ReportingError) as caught:
        weekly_issue(actor=office, week=week)
    assert caught.value.code == "issued"
    with pytest.raises(ReportingError) as caught:
        weekly_issue(actor=office, week=week, corrects=first)
    assert caught.value.field == "reason"
    correction = weekly_issue(actor=office, week=week, corrects=first, reason="更正超期件数")
    assert (correction.serial, correction.corrects_id, correction.reason) == (2, first.pk, "更正超期件数")
    with pytest.raises(ReportingError):  # only the latest issue may be corrected
        weekly_issue(actor=office, week=week, corrects=first, reason="再次更正")
    assert list(
        ReportLog.objects.filter(subject=f"week:{week.start}", action="issued").values_list(
            "details__serial", flat=True
        )
    ) == [2, 1]


def test_the_database_refuses_to_change_or_delete_an_issued_report(known_week) -> None:
    issued = weekly_issue(actor=user("dispatcher"), week=Week.parse(WEEK))
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedReport.objects.filter(pk=issued.pk).update(content=b"forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedReport.objects.filter(pk=issued.pk).delete()
    with pytest.raises(RuntimeError):
        issued.save()
    assert bytes(IssuedReport.objects.get(pk=issued.pk).content) == bytes(issued.content)


@pytest.mark.parametrize("username", ["head", "leader", "inspector", "student"])
def test_only_the_office_edits_and_issues(known_week, username: str) -> None:
    week = Week.parse(WEEK)
    with pytest.raises(ReportingError):
        weekly_issue(actor=user(username), week=week)
    with pytest.raises(ReportingError):
        weekly_draft_save(actor=user(username), week=week, texts={}, omitted=[])
    assert not IssuedReport.objects.exists() and not ReportLog.objects.exists()


def test_a_draft_keeps_the_texts_and_the_sections_left_out_and_logs_what_changed(known_week) -> None:
    week = Week.parse(WEEK)
    draft = weekly_draft_save(
        actor=user("duty"),
        week=week,
        texts={"summary": " 平稳 ", "bogus": "x"},
        omitted=["committee", "bogus"],
    )
    assert draft.texts == {"summary": "平稳"} and draft.omitted == ["committee"]
    log = ReportLog.objects.get(action="draft_saved")
    assert log.details == {"changed": ["summary"], "omitted": ["committee"]} and log.actor == user("duty")
    with pytest.raises(ReportingError):
        weekly_draft_save(actor=user("duty"), week=week, texts={"summary": "长" * 5001}, omitted=[])
