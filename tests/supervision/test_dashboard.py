"""Dashboards for leaders and the Office: four charts from the assessment's selectors, each with a table
view and an export."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from jiesu.supervision.dashboard import DashboardReport, default_period
from jiesu.supervision.figures import Period
from tests.supervision.conftest import AS_OF, FROM, TO

pytestmark = pytest.mark.django_db

PERIOD = f"from={FROM}&to={TO}"
AUTUMN = Period.parse(FROM, TO)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(AS_OF, tick=False):
        yield


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("dispatcher", 200),
        ("duty", 200),
        ("leader", 200),
        ("inspector", 403),
        ("assessor", 403),
        ("officer", 403),
    ],
)
def test_leaders_and_the_office_see_the_dashboards(client, person, known_period, username, status) -> None:
    client.force_login(person(username))
    assert client.get(reverse("supervision:dashboard") + "?" + PERIOD).status_code == status


def test_charts_come_from_the_same_figures_as_the_assessment(known_period) -> None:
    """Weekly volumes add up to the 11 tickets received; the rates, the ranking and the missed deadlines are the
    assessment's own."""
    report = DashboardReport(AUTUMN, as_of=AS_OF)
    volume = report.volume()
    assert volume.header[0] == "周（起始日）" and volume.header[-1] == "合计"
    assert volume.header[1:-1] == ["部门热线", "总值班室", "书记校长信箱"]
    assert sum(row[-1] for row in volume.rows) == 11
    assert volume.rows[0][0] == "2026-08-31" and volume.rows[-1][0] == "2026-12-28"
    assert dict((r[0], r[-1]) for r in volume.rows)["2026-09-07"] == 1  # a1
    assert report.rates().rows == [
        ["网络信息中心", 100.0, 100.0, 100.0],
        ["后勤管理处", 83.3, 66.7, 33.3],
        ["图书馆", None, None, None],
    ]
    assert report.ranking().rows == [[1, "网络信息中心", 100.0], [2, "后勤管理处", 55.0]]
    overdue = report.overdue().rows
    assert sum(r[2] for r in overdue) == 3 and sum(r[1] for r in overdue) == 11


def test_page_carries_chart_data_as_json_and_a_table_per_chart(client, person, known_period) -> None:
    """No inline script: the data is a json_script element, the code a static file; every chart has a table."""
    client.force_login(person("leader"))
    html = client.get(reverse("supervision:dashboard") + "?" + PERIOD).content.decode()
    data = json.loads(
        re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S)[1]
    )
    assert [c["key"] for c in data] == ["volume", "rates", "overdue", "ranking"]
    assert data[3]["title"] == "单位得分排名" and data[3]["categories"] == ["后勤管理处", "网络信息中心"]
    assert html.count('data-testid="chart-table"') == 4
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html) == []
    assert "echarts/echarts.min.js" in html and "supervision/dashboard.js" in html


@pytest.mark.parametrize("chart", ["volume", "rates", "overdue", "ranking"])
def test_every_chart_exports_csv_and_xlsx(client, person, known_period, chart) -> None:
    client.force_login(person("dispatcher"))
    report = DashboardReport(AUTUMN, as_of=AS_OF).chart(chart)
    url = reverse("supervision:dashboard_export", args=[chart, "csv"]) + "?" + PERIOD
    response = client.get(url)
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == report.header and len(rows) == len(report.rows) + 1
    response = client.get(reverse("supervision:dashboard_export", args=[chart, "xlsx"]) + "?" + PERIOD)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == report.header and sheet.max_row == len(report.rows) + 1


def test_unknown_chart_or_format_is_404(client, person, known_period) -> None:
    client.force_login(person("dispatcher"))
    assert client.get(reverse("supervision:dashboard_export", args=["pie", "csv"])).status_code == 404
    assert client.get(reverse("supervision:dashboard_export", args=["volume", "pdf"])).status_code == 404


def test_default_period_is_the_last_twelve_weeks() -> None:
    period = default_period(Period.parse("2026-12-10", "2026-12-10").first)
    assert (period.first.isoformat(), period.last.isoformat()) == ("2026-09-21", "2026-12-10")
    assert period.first.weekday() == 0


def test_dashboard_query_count_is_fixed(client, person, known_period, django_assert_max_num_queries) -> None:
    """Five grouped queries and the unit names when computed; then the shared copy is read from the cache. The
    acceptance of dispatch suggestions is one aggregate query, each time."""
    client.force_login(person("leader"))
    with django_assert_max_num_queries(19):
        client.get(reverse("supervision:dashboard") + "?" + PERIOD)
    with django_assert_max_num_queries(6):
        client.get(reverse("supervision:dashboard") + "?" + PERIOD)


def test_dashboard_shows_the_offices_acceptance_of_dispatch_suggestions(client, person, known_period) -> None:
    """R9.5: of the dispatches of the period that carried a suggestion, how often the Office chose the first
    suggested unit and how often one of the three; dispatches outside the period do not count."""
    from jiesu.insight.models import DispatchSuggestion
    from tests.supervision.conftest import at

    t, u = known_period.tickets, known_period.units

    def record(ticket: str, first: str, chosen: str, others: tuple[str, ...], when) -> None:
        DispatchSuggestion.objects.create(
            ticket=t[ticket],
            suggested=[{"unit": u[c].name, "confidence": 0.5} for c in (first, *others)],
            suggested_unit=u[first],
            chosen_unit=u[chosen],
            accepted=first == chosen,
            in_top3=chosen in (first, *others),
            dispatched_at=when,
        )

    record("a1", "logistics", "logistics", ("nic",), at(2026, 9, 7, 9, 30))  # first chosen
    record("b1", "logistics", "nic", ("nic",), at(2026, 10, 9, 9, 0))  # second chosen
    record("c1", "nic", "library", ("logistics",), at(2026, 12, 31, 23, 0))  # none of the three
    record("x1", "logistics", "logistics", (), at(2026, 8, 31, 23, 59))  # before the period
    client.force_login(person("dispatcher"))
    html = client.get(reverse("supervision:dashboard") + "?" + PERIOD).content.decode()
    card = re.search(r'data-testid="suggestion-acceptance">(.*?)</section>', html, re.S)[1]
    assert "本期带建议派出的 3 件诉求中，党政办公室选定首选建议单位的有 1 件。" in card
    assert re.search(r'data-testid="acceptance-rate">33%<', card)
    assert re.search(r'data-testid="top3-rate">67%<', card)


def test_dashboard_says_when_no_dispatch_carried_a_suggestion(client, person, known_period) -> None:
    client.force_login(person("leader"))
    html = client.get(reverse("supervision:dashboard") + "?" + PERIOD).content.decode()
    assert "本期没有带建议派出的诉求。" in html
