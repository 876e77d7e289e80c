"""The reporting pages without a browser: the Office edits and issues the weekly report and declares
sensitive periods; a unit submits its daily report; others are refused; bad input gets a Chinese message."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from jiesu.reporting.models import IssuedReport, ReportLog, SensitivePeriod, WeeklyDraft, ZeroReport
from tests.reporting.conftest import AS_OF, WEEK
from tests.support import at, queries_for, signed_in, unit

pytestmark = pytest.mark.django_db


def test_the_office_edits_and_issues_the_weekly_report(known_week) -> None:
    client = signed_in("dispatcher")
    url = reverse("reporting:weekly_edit", args=[WEEK])
    with time_machine.travel(AS_OF, tick=False):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "建议提交校长办公会研究的事项" in html and known_week.tickets["w3"].number in html
        saved = client.post(url, {"text_summary": "本周总体平稳。", "omit_committee": "on"})
        assert saved.status_code == 302
        assert WeeklyDraft.objects.get().texts == {"summary": "本周总体平稳。"}
        draft = client.get(reverse("reporting:weekly_draft_docx", args=[WEEK]))
        assert "本周总体平稳。" in "\n".join(p.text for p in Document(io.BytesIO(draft.content)).paragraphs)
        issued = client.post(reverse("reporting:weekly_issue", args=[WEEK]))
        assert issued.status_code == 302
    report = IssuedReport.objects.get()
    download = client.get(reverse("reporting:issued_download", args=[report.pk]))
    assert download.content == bytes(report.content)
    assert "attachment" in download["Content-Disposition"]
    listing = client.get(reverse("reporting:weekly"))
    assert report.filename in listing.content.decode()
    # a second issue from the page is a correction and needs its reason
    client.post(reverse("reporting:weekly_issue", args=[WEEK]), {"reason": ""})
    assert IssuedReport.objects.count() == 1
    client.post(reverse("reporting:weekly_issue", args=[WEEK]), {"reason": "更正"})
    assert IssuedReport.objects.get(serial=2).corrects == report


@pytest.mark.parametrize("username", ["head", "officer", "assessor", "student"])
def test_others_may_not_edit_the_weekly_report(known_week, username) -> None:
    client = signed_in(username)
    assert client.get(reverse("reporting:weekly_edit", args=[WEEK])).status_code == 403
    assert client.post(reverse("reporting:weekly_issue", args=[WEEK])).status_code == 403
    assert client.get(reverse("reporting:periods")).status_code == 403


def test_leaders_read_issued_reports_but_do_not_edit(known_week) -> None:
    client = signed_in("leader")
    assert client.get(reverse("reporting:weekly")).status_code == 200
    assert client.get(reverse("reporting:weekly_edit", args=[WEEK])).status_code == 403


def test_a_bad_week_in_the_address_is_not_found(demo_org) -> None:
    assert signed_in("dispatcher").get("/reports/weekly/2026-W99/").status_code == 404


def test_the_weeks_list_takes_a_fixed_number_of_queries(demo_org) -> None:
    assert queries_for(signed_in("dispatcher"), reverse("reporting:weekly")) <= 12


def test_the_office_declares_a_period_and_a_unit_reports_its_day(demo_org) -> None:
    office = signed_in("dispatcher")
    bad = office.post(
        reverse("reporting:periods"),
        {
            "name": "国庆",
            "first_day": "2026-12-05",
            "last_day": "2026-12-01",
            "units": [unit("logistics").pk],
        },
    )
    assert bad.status_code == 400 and "起始日晚于截止日" in bad.content.decode()
    assert not SensitivePeriod.objects.exists()
    with time_machine.travel(at(2026, 12, 1, 9), tick=False):
        ok = office.post(
            reverse("reporting:periods"),
            {
                "name": "国庆",
                "first_day": "2026-12-01",
                "last_day": "2026-12-03",
                "units": [unit("logistics").pk],
            },
        )
        period = SensitivePeriod.objects.get()
        assert ok.status_code == 302 and ok["Location"] == reverse("reporting:period", args=[period.pk])
        officer = signed_in("officer")
        page = officer.get(reverse("reporting:zero"))
        assert page.status_code == 200 and "国庆" in page.content.decode()
        wrong = officer.post(
            reverse("reporting:zero"),
            {"period": period.pk, "unit": unit("logistics").pk, "is_zero": "on", "new_requests": "2"},
        )
        assert wrong.status_code == 400 and "零报告不应填写" in wrong.content.decode()
        done = officer.post(
            reverse("reporting:zero"), {"period": period.pk, "unit": unit("logistics").pk, "is_zero": "on"}
        )
        assert done.status_code == 302
        assert ZeroReport.objects.get().is_zero
        assert "已报送零报告" in officer.get(reverse("reporting:zero")).content.decode()
        grid = office.get(reverse("reporting:period", args=[period.pk]))
        assert grid.status_code == 200 and "后勤管理处" in grid.content.decode()
        export = office.get(reverse("reporting:period_export", args=[period.pk]))
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert ReportLog.objects.filter(action="period_exported").count() == 1


def test_the_zero_report_page_is_for_unit_members(demo_org) -> None:
    assert signed_in("leader").get(reverse("reporting:zero")).status_code == 403
    page = signed_in("head").get(reverse("reporting:zero"))
    assert page.status_code == 200 and "本单位今日不在敏感时期内" in page.content.decode()


def test_the_office_sees_the_nav_link(demo_org) -> None:
    assert 'data-testid="nav-reports"' in signed_in("dispatcher").get("/").content.decode()
    assert 'data-testid="nav-reports"' not in signed_in("head").get("/").content.decode()


def test_an_issued_report_is_not_served_to_a_unit(known_week) -> None:
    from jiesu.reporting.services import weekly_issue
    from jiesu.reporting.weekly import Week
    from tests.support import user

    issued = weekly_issue(actor=user("dispatcher"), week=Week.parse(WEEK))
    assert signed_in("head").get(reverse("reporting:issued_download", args=[issued.pk])).status_code == 403
    assert dt.date(2026, 11, 23) == issued.week_start


def test_the_daily_report_is_in_the_menu_of_a_units_reporters_while_a_period_runs(demo_org) -> None:
    """R8.4: while a sensitive period covers their unit, its reporters find the daily report in the menu; before
    and after it, and for units outside it, the menu does not offer it."""
    from jiesu.reporting.services import period_declare
    from tests.support import user

    link = 'data-testid="nav-zero-report"'
    with time_machine.travel(at(2026, 11, 30, 9), tick=False):
        period_declare(
            actor=user("dispatcher"),
            name="国庆",
            first_day=dt.date(2026, 12, 1),
            last_day=dt.date(2026, 12, 3),
            units=[unit("logistics")],
        )
        assert link not in signed_in("officer").get("/").content.decode()  # not yet
    with time_machine.travel(at(2026, 12, 2, 9), tick=False):
        assert link in signed_in("officer").get("/").content.decode()  # 后勤管理处's officer
        assert link not in signed_in("dispatcher").get("/").content.decode()  # the Office reports no day
    with time_machine.travel(at(2026, 12, 4, 9), tick=False):
        assert link not in signed_in("officer").get("/").content.decode()  # the period is over
