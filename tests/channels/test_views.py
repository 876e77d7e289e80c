"""The channels' pages: thin views over the services, Chinese refusals, escaped text, access, the DOCX list."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from jiesu.channels import selectors, services
from jiesu.channels.models import Booking, Petition
from tests.support import beijing, queries_for, signed_in, user

HTML = '<script>alert("x")</script>'


def _book(client, slot, topic: str):
    return client.post(reverse("channels:book", args=[slot.pk]), {"topic": topic})


def test_a_full_slot_answers_in_chinese_and_writes_nothing(session) -> None:
    slot = session.slots.get()
    assert _book(signed_in("student"), slot, "暖气" + HTML).status_code == 302
    refused = _book(signed_in("teacher"), slot, "停车难")
    assert refused.status_code == 400
    assert "该时段已约满，请选择其他时段或其他接待日。" in refused.content.decode()
    assert Booking.objects.count() == 1


def test_html_in_a_topic_is_shown_as_text(session) -> None:
    _book(signed_in("student"), session.slots.get(), "暖气" + HTML)
    page = signed_in("student").get(reverse("channels:reception")).content.decode()
    assert HTML not in page
    assert "&lt;script&gt;" in page


def test_an_over_long_topic_is_refused_beside_the_field(session) -> None:
    refused = _book(signed_in("student"), session.slots.get(), "长" * 501)
    assert refused.status_code == 400
    assert 'data-testid="field-error"' in refused.content.decode()
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("name", "who", "status"),
    [
        ("channels:rota", "student", 403),
        ("channels:petitions", "student", 403),
        ("channels:petitions", "head", 403),
        ("channels:symposiums", "student", 403),
        ("channels:symposiums", "dispatcher", 200),
        ("channels:reception", "student", 200),
    ],
)
def test_who_opens_which_page(monday, name, who, status) -> None:
    assert signed_in(who).get(reverse(name)).status_code == status


def test_only_the_requester_cancels_their_booking(session) -> None:
    booking = services.booking_create(actor=user("student"), slot=session.slots.get(), topic="暖气")
    assert signed_in("teacher").post(reverse("channels:cancel", args=[booking.pk])).status_code == 404
    signed_in("student").post(reverse("channels:cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_the_days_list_prints_with_chinese_fonts(session) -> None:
    services.booking_create(actor=user("student"), slot=session.slots.get(), topic="宿舍楼暖气不热")
    response = signed_in("dispatcher").get(reverse("channels:session_docx", args=[session.pk]))
    assert response.status_code == 200
    xml = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert "宿舍楼暖气不热" in xml and 'w:eastAsia="仿宋"' in xml
    assert signed_in("student").get(reverse("channels:session_docx", args=[session.pk])).status_code == 403


def test_the_reception_page_costs_a_fixed_number_of_queries(session) -> None:
    client = signed_in("student")
    services.booking_create(actor=user("student"), slot=session.slots.get(), topic="暖气")
    first = queries_for(client, reverse("channels:reception"))
    services.session_create(
        actor=user("dispatcher"),
        leader=user("leader"),
        day=dt.date(2026, 12, 10),
        place="图书馆",
        campus=session.campus,
        slots=[(dt.time(9), dt.time(10)), (dt.time(10), dt.time(11))],
        capacity=3,
    )
    assert queries_for(client, reverse("channels:reception")) == first


def test_the_bookings_fragment_for_the_requesters_home(session) -> None:
    """``bookings_for`` plus ``channels/_bookings.html`` show a requester their bookings; nobody else's."""
    services.booking_create(actor=user("student"), slot=session.slots.get(), topic="宿舍楼暖气不热")
    html = render_to_string("channels/_bookings.html", {"bookings": selectors.bookings_for(user("student"))})
    assert "宿舍楼暖气不热" in html and "刘向东" in html
    assert selectors.bookings_for(user("teacher")) == []


def test_the_petition_list_masks_the_phone(monday) -> None:
    services.petition_create(
        actor=user("dispatcher"),
        form="letter",
        origin="inside",
        name="李老师",
        phone="13911112222",
        address="",
        people=1,
        content="反映职称评审问题",
        campus=beijing(),
    )
    page = signed_in("dispatcher").get(reverse("channels:petitions")).content.decode()
    assert "139****2222" in page and "13911112222" not in page
    assert Petition.objects.count() == 1


def test_a_petition_step_without_whom_is_refused_on_the_page(monday) -> None:
    petition = services.petition_create(
        actor=user("dispatcher"),
        form="visit",
        origin="outside",
        name="张先生",
        phone="13911112222",
        address="",
        people=2,
        content="反映问题",
        campus=beijing(),
    )
    refused = signed_in("dispatcher").post(
        reverse("channels:petition", args=[petition.pk]), {"kind": "reported", "body": "已报告"}
    )
    assert refused.status_code == 400
    assert "请填写报告对象。" in refused.content.decode()
    assert not petition.steps.exists()
