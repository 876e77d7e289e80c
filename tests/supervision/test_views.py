"""Assessment pages (R8.6, R10.3): who may open them, the explained figures, the tickets behind a count and the
Excel export."""

from __future__ import annotations

import io
import re

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from tests.supervision.conftest import AS_OF, FROM, TO

pytestmark = pytest.mark.django_db

PERIOD = f"from={FROM}&to={TO}"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(AS_OF, tick=False):
        yield


def signed_in(client, person, username: str):
    client.force_login(person(username))
    return client


def listed(response) -> list[str]:
    return sorted(re.findall(r'data-testid="figure-ticket" data-number="([^"]+)"', response.content.decode()))


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("dispatcher", 200),
        ("leader", 200),
        ("inspector", 200),
        ("assessor", 200),
        ("officer", 403),
        ("student", 403),
    ],
)
def test_who_may_open_the_assessment(client, person, known_period, username, status) -> None:
    """The Office, leaders, inspectors and the organization department; not units, not requesters."""
    response = signed_in(client, person, username).get(reverse("supervision:assessment") + "?" + PERIOD)
    assert response.status_code == status


def test_anonymous_visitors_sign_in(client, known_period) -> None:
    response = client.get(reverse("supervision:assessment"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_page_shows_ranking_formulas_and_linked_counts(client, person, known_period) -> None:
    """Ranked rows, each figure with its formula in Chinese, and counts linking to their tickets."""
    response = signed_in(client, person, "dispatcher").get(reverse("supervision:assessment") + "?" + PERIOD)
    html = response.content.decode()
    ranked = re.findall(r'data-testid="assessment-row" data-unit="([^"]+)" data-rank="(\d*)"', html)
    assert ranked == [("网络信息中心", "1"), ("后勤管理处", "2"), ("图书馆", "")]
    assert "83.3%" in html and "55.00" in html
    assert "按时回应数 ÷ 已到期的回应时限" in html
    assert 'data-figure="response_met"' in html and 'data-testid="count-link"' in html


def test_assessor_sees_counts_but_no_links(client, person, known_period) -> None:
    """R10.3: the organization department sees aggregates only — the counts, never the tickets behind them."""
    client = signed_in(client, person, "assessor")
    html = client.get(reverse("supervision:assessment") + "?" + PERIOD).content.decode()
    assert 'data-testid="count-link"' not in html and 'data-testid="count"' in html
    unit = known_period.units["logistics"].pk
    url = reverse("supervision:figure_tickets") + f"?{PERIOD}&unit={unit}&figure=received"
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("figure", "names"),
    [
        ("received", ("a1", "a2", "a3", "a4", "a5", "a6")),
        ("response_due", ("a1", "a2", "a3", "a4", "a5", "a6")),
        ("response_met", ("a1", "a2", "a4", "a5", "a6")),
        ("reply_due", ("a1", "a2", "a3", "a4", "a5", "a6")),
        ("reply_met", ("a1", "a2", "a3", "a5", "a6")),
        ("overdue", ("a2", "a3", "a4")),
        ("closed_resolved", ("a1", "a2")),
        ("closed_unsatisfied", ("a3",)),
        ("closed_without_followup", ("a6",)),
        ("rated", ("a1", "a2", "a3")),
        ("dissatisfied", ("a2", "a3")),
        ("basically", ("a2",)),
        ("repeats", ("a6",)),
        ("closed_explained", ()),
    ],
)
def test_a_count_shows_the_tickets_behind_it(client, person, known_period, figure, names) -> None:
    """The drill-down lists exactly the tickets that make the count (tickets, not clocks)."""
    unit = known_period.units["logistics"].pk
    url = reverse("supervision:figure_tickets") + f"?{PERIOD}&unit={unit}&figure={figure}"
    response = signed_in(client, person, "dispatcher").get(url)
    assert response.status_code == 200
    assert listed(response) == known_period.numbers(*names)


def test_unit_members_see_only_their_units_tickets(client, person, known_period) -> None:
    """The list reuses ticket visibility: 后勤管理处's officer sees its tickets, none of 网络信息中心's."""
    client = signed_in(client, person, "officer")
    base = reverse("supervision:figure_tickets") + f"?{PERIOD}&figure=received&unit="
    assert listed(client.get(base + str(known_period.units["logistics"].pk))) == known_period.numbers(
        "a1", "a2", "a3", "a4", "a5", "a6"
    )
    assert listed(client.get(base + str(known_period.units["nic"].pk))) == []


@pytest.mark.parametrize("query", ["figure=nope&unit=1", "figure=received&unit=x", "figure=received"])
def test_unknown_figure_or_unit_is_404(client, person, known_period, query) -> None:
    response = signed_in(client, person, "dispatcher").get(
        reverse("supervision:figure_tickets") + f"?{PERIOD}&{query}"
    )
    assert response.status_code == 404


def test_bad_period_is_a_clear_message(client, person, known_period) -> None:
    response = signed_in(client, person, "dispatcher").get(
        reverse("supervision:assessment") + "?from=2026-12-31&to=2026-09-01"
    )
    assert response.status_code == 400
    assert "开始日期晚于结束日期" in response.content.decode()


def test_excel_export_has_the_ranking_and_the_formulas(client, person, known_period) -> None:
    """The workbook: ranked units, then the whole school — response 8/9, resolution 5/6, satisfaction
    (3 + 1) / 8 → 100 × (0.1 × 8/9 + 0.5 × 5/6 + 0.4 × 0.5) = 70.56 — and a sheet of formulas."""
    response = signed_in(client, person, "assessor").get(
        reverse("supervision:assessment_export") + "?" + PERIOD
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("排名", "单位", "得分", "回应率")
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [
        (1, "网络信息中心", 100.0),
        (2, "后勤管理处", 55.0),
        (None, "图书馆", None),
        (None, "全校", 70.56),
    ]
    assert rows[2][3] == pytest.approx(0.8333, abs=1e-4)
    assert book.worksheets[1].title == "口径"


def test_page_query_count_does_not_grow_with_tickets(
    client, person, known_period, django_assert_max_num_queries
) -> None:
    client = signed_in(client, person, "dispatcher")
    with django_assert_max_num_queries(12):
        client.get(reverse("supervision:assessment") + "?" + PERIOD)
