"""The public monthly summary (R8.7): aggregates for everyone, no personal data, small cells suppressed."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.urls import reverse

from jiesu.org.models import Campus, Unit
from tests.supervision.conftest import at, clock, followup, ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(demo_org):
    """November 2026: 7 web help requests (closed, satisfied), 3 hotline complaints to 后勤管理处; one
    December request. Every ticket carries a name, a phone, an email, a subject and a text."""
    campus = Campus.objects.get(code="beijing")
    logistics = Unit.objects.get(code="logistics")
    made = []
    for i in range(7):
        r = at(2026, 11, 3 + i, 9, 0)
        t = ticket(
            campus=campus,
            lead=logistics,
            received_at=r,
            channel="web",
            type="help",
            status="closed",
            requester_name=f"王秘密{i}",
            contact_phone=f"1390000{i:04d}",
            subject=f"私人事项{i}",
            content=f"我的宿舍门牌号是{i}号",
            contact_email=f"secret{i}@example.edu.cn",
        )
        clock(t, "response", due=at(2026, 11, 3 + i, 11, 0), met=at(2026, 11, 3 + i, 10, 0))
        followup(t, 1, "satisfied", True)
        made.append(t)
    made.extend(
        ticket(
            campus=campus,
            lead=logistics,
            received_at=at(2026, 11, 20 + i, 9, 0),
            channel="hotline",
            type="complaint",
            requester_name=f"李隐私{i}",
            contact_phone=f"1370000{i:04d}",
        )
        for i in range(3)
    )
    made.append(ticket(campus=campus, lead=logistics, received_at=at(2026, 12, 1, 9, 0), channel="walk_in"))
    return made


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(at(2026, 12, 15, 12, 0), tick=False):
        yield


def cells(html: str, testid: str) -> list[tuple[str, str]]:
    table = re.search(rf'data-testid="{testid}"(.*?)</table>', html, re.S)[1]
    return re.findall(r"<tr><td>([^<]*)</td><td[^>]*>([^<]*)</td>", table)


def test_anyone_reads_it_without_signing_in(client, november) -> None:
    response = client.get(reverse("supervision:summary"))  # last month by default
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="summary-total">10<' in html
    assert "2026年11月" in html


def test_cells_under_five_are_suppressed(client, november) -> None:
    """7 web requests are shown; 3 hotline complaints are "<5" wherever they appear; the month's single
    December request is "<5" too; rates on a base under 5 are not shown."""
    html = client.get(reverse("supervision:summary") + "?month=2026-11").content.decode()
    assert cells(html, "summary-channels") == [("部门热线", "&lt;5"), ("网上提交", "7")]
    assert cells(html, "summary-types") == [("求助", "7"), ("投诉", "&lt;5")]
    topic_table = re.search(r'data-testid="summary-topics"(.*?)</table>', html, re.S)[1]
    topics = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td[^>]*>([^<]*)</td>", topic_table)
    assert topics == [("求助", "网上提交", "7"), ("投诉", "部门热线", "&lt;5")]
    rates = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td><td data-testid=\"cell\">([^<]*)</td>", html)
    assert ("回应率", "100.0%", "7") in rates and ("满意率", "100.0%", "7") in rates
    assert ("解决率", "100.0%", "7") in rates
    december = client.get(reverse("supervision:summary") + "?month=2026-12").content.decode()
    assert 'data-testid="summary-total">&lt;5<' in december
    assert "回应率</td><td>—</td>" in december


def test_no_personal_data(client, november) -> None:
    """No name, phone, email, subject, text or ticket number of any request appears on the page."""
    html = client.get(reverse("supervision:summary") + "?month=2026-11").content.decode()
    for t in november:
        for value in (t.requester_name, t.contact_phone, t.contact_email, t.subject, t.content, t.number):
            assert value and value not in html


@pytest.mark.parametrize("month", ["2026-13", "nonsense", "2020-01"])
def test_bad_month_is_a_clear_message(client, november, month) -> None:
    response = client.get(reverse("supervision:summary") + f"?month={month}")
    assert response.status_code == 400
    assert "请从列表中选择月份" in response.content.decode()


def test_query_count_is_fixed(
    client, november, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    """Computed once (three grouped queries and the cache's own), then read from the cache in one query."""
    with django_assert_max_num_queries(12):
        client.get(reverse("supervision:summary") + "?month=2026-11")
    with django_assert_num_queries(1):
        client.get(reverse("supervision:summary") + "?month=2026-11")


def test_figures_are_shared_for_a_few_minutes(client, november) -> None:
    """A request recorded after the page was computed shows once the five-minute slot has passed."""
    url = reverse("supervision:summary") + "?month=2026-12"
    assert 'data-testid="summary-total">&lt;5<' in client.get(url).content.decode()
    campus, lead = november[0].campus, november[0].lead_unit
    for day in range(2, 7):
        ticket(campus=campus, lead=lead, received_at=at(2026, 12, day, 9, 0), channel="walk_in")
    assert 'data-testid="summary-total">&lt;5<' in client.get(url).content.decode()
    with time_machine.travel(at(2026, 12, 15, 12, 5), tick=False):
        assert 'data-testid="summary-total">6<' in client.get(url).content.decode()
