"""Public tracking (R10.1): number + secret code, no sign-in; shows status, receipt, lead unit and sent replies,
nothing more; a wrong number or code gets one generic answer; guessing is throttled per address."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from jiesu.tickets import services
from jiesu.tickets.intake_views.track import FAILURE_LIMIT
from jiesu.tickets.services import Created

REPLY = "已安排维修师傅今天下午上门检修暖气。"


@pytest.fixture(autouse=True)
def clean_cache() -> None:
    cache.clear()


@pytest.fixture
def replied(person, beijing, unit) -> Created:
    """A student's web request handled by 后勤管理处 and answered with a head-approved reply."""
    student = person("student")
    created = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=beijing,
        requester=student,
        content="宿舍楼3号楼302室暖气不热，室温只有12度。",
        contact_phone="13812345678",
    )
    ticket = created.ticket
    services.ticket_dispatch(actor=person("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=person("officer"), ticket=ticket)
    services.ticket_set_level(actor=person("officer"), ticket=ticket, level="direct")
    services.reply_submit(actor=person("officer"), ticket=ticket, body=REPLY)
    services.reply_approve(actor=person("head"), ticket=ticket)
    ticket.refresh_from_db()
    return Created(ticket, created.tracking_code)


def track(client: Client, number: str, code: str, ip: str = "10.0.0.1"):  # type: ignore[no-untyped-def]
    return client.post(reverse("intake:track"), {"number": number, "code": code}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_the_right_code_shows_status_unit_and_sent_replies_only(
    client: Client, replied: Created, unit
) -> None:
    """No sign-in: status, received time, lead unit and the sent reply; no names, contacts or internals.

    The number may be typed without its dash and the code in lower case.
    """
    response = track(client, replied.ticket.number.replace("-", ""), replied.tracking_code.lower())
    assert response.status_code == 200 and response.context["ticket"] == replied.ticket
    html = response.content.decode()
    assert 'data-testid="track-result"' in html and REPLY in html and unit("logistics").name in html
    assert html.count('data-testid="track-reply"') == 1
    for private in ("13812345678", "李小萌", "高雅", "马建华", replied.ticket.content):
        assert private not in html


@pytest.mark.django_db
def test_unsent_replies_are_not_shown(client: Client, person, beijing, unit) -> None:
    """A draft awaiting the head's approval stays invisible to tracking."""
    student = person("student")
    created = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=beijing,
        requester=student,
        content="食堂二楼餐价上涨太快。",
        contact_phone="13812345678",
    )
    ticket = created.ticket
    services.ticket_dispatch(actor=person("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    services.ticket_acknowledge(actor=person("officer"), ticket=ticket)
    services.ticket_set_level(actor=person("officer"), ticket=ticket, level="direct")
    services.reply_submit(actor=person("officer"), ticket=ticket, body="草稿：价格由物价小组核定。")
    html = track(client, ticket.number, created.tracking_code).content.decode()
    assert 'data-testid="track-result"' in html and "草稿" not in html


@pytest.mark.django_db
def test_wrong_code_and_unknown_number_get_the_same_answer(client: Client, replied: Created) -> None:
    """Existence is never disclosed: both failures render the same generic error."""
    wrong_code = track(client, replied.ticket.number, "AAAAAAAAAA")
    unknown = track(client, "19990101-000001", "AAAAAAAAAA")
    for response in (wrong_code, unknown):
        assert response.status_code == 200 and "ticket" not in response.context
        assert 'data-testid="track-error"' in response.content.decode()
    assert wrong_code.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


@pytest.mark.django_db
def test_guessing_is_throttled_per_address(client: Client, replied: Created) -> None:
    """After 10 failures from one address even the right code is refused (429); another address is unaffected."""
    for _ in range(FAILURE_LIMIT - 1):
        assert track(client, replied.ticket.number, "WRONGCODE1").status_code == 200
    assert (
        track(client, replied.ticket.number, replied.tracking_code).status_code == 200
    )  # 9 failures: still open
    assert track(client, replied.ticket.number, "WRONGCODE1").status_code == 200  # the 10th failure
    locked = track(client, replied.ticket.number, replied.tracking_code)
    assert locked.status_code == 429 and "ticket" not in locked.context
    assert 'data-testid="track-locked"' in locked.content.decode()
    assert client.get(reverse("intake:track"), REMOTE_ADDR="10.0.0.1").status_code == 429
    assert track(client, replied.ticket.number, replied.tracking_code, ip="10.0.0.2").status_code == 200


@pytest.mark.django_db
def test_the_form_is_public_and_not_cached(client: Client, demo_org: None) -> None:
    response = client.get(reverse("intake:track"))
    assert response.status_code == 200 and 'data-testid="track-form"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
