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


def test_html_in_every_channel_field_is_text_on_every_page(monday) -> None:
    """Issue 15, bad input: markup typed into the rota's place, a visit's ticket and instruction, and a
    symposium's title, place, attendees, issues and contact is shown as text on every page that shows it."""
    from jiesu.channels.models import Symposium
    from jiesu.tickets.models import Ticket
    from tests.support import at, unit

    rota = services.session_create(
        actor=user("dispatcher"),
        leader=user("leader"),
        day=dt.date(2026, 12, 9),
        place="礼堂" + HTML,
        campus=beijing(),
        slots=[(dt.time(15, 0), dt.time(15, 30))],
        capacity=2,
    )
    booking = services.booking_create(actor=user("student"), slot=rota.slots.get(), topic="暖气" + HTML)
    symposium = services.symposium_schedule(
        actor=user("dispatcher"),
        organizer=unit("union"),
        title="座谈会" + HTML,
        day=dt.date(2026, 12, 9),
        place="活动室" + HTML,
        campus=beijing(),
    )
    monday.move_to(at(2026, 12, 9, 15, 10))
    services.booking_record_visit(
        actor=user("dispatcher"), booking=booking, attended=True, notes="到场" + HTML
    )
    visit = services.booking_ticket_create(
        actor=user("dispatcher"), booking=booking, content="暖气不热" + HTML, instruction="尽快修" + HTML
    )
    services.symposium_record(
        actor=user("dispatcher"),
        symposium=symposium,
        attendees="教师" + HTML,
        issues=["食堂" + HTML],
        contact_name="王老师" + HTML,
        contact_phone="010-88560000",
    )
    (issue,) = services.symposium_issues_to_tickets(actor=user("dispatcher"), symposium=symposium)
    office, student = signed_in("dispatcher"), signed_in("student")
    pages = {
        "rota": office.get(reverse("channels:rota")),
        "session": office.get(reverse("channels:session", args=[rota.pk])),
        "reception": student.get(reverse("channels:reception")),
        "home": student.get("/requests/mine/"),
        "symposiums": office.get(reverse("channels:symposiums")),
        "symposium": office.get(reverse("channels:symposium", args=[symposium.pk])),
        "visit ticket (Office)": office.get(f"/tickets/{visit.number}/"),
        "visit ticket (visitor)": student.get(f"/tickets/{visit.number}/"),
        "issue ticket": office.get(f"/tickets/{issue.number}/"),
    }
    for name, response in pages.items():
        text = response.content.decode()
        assert response.status_code == 200, name
        assert HTML not in text and "&lt;script&gt;" in text, name
    assert Symposium.objects.get(pk=symposium.pk).title == "座谈会" + HTML  # kept as typed, shown as text
    assert Ticket.objects.filter(pk__in=[visit.pk, issue.pk]).count() == 2
