"""No side channels (issue 17 item 2, R10.1–R10.3): repeat candidates name only tickets the person may open, the
student or staff number probe does not tell whether a number exists, and a requester never reads internal
fields such as the reason a ticket was marked urgent."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from jiesu.org.models import Campus
from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from tests.api.conftest import API
from tests.support import dispatched, handling, signed_in, unit, user

pytestmark = pytest.mark.django_db
URGENT_REASON = "来电者情绪激动，称已连续三晚无法入睡，需尽快回应"
HOT_WATER = "学生公寓5号楼热水器坏了，没有热水洗澡。"


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization."""


def _hotline_call(content: str, phone: str) -> Ticket:
    """A call to 后勤管理处's hotline recorded by its officer (so 后勤 leads it)."""
    return services.ticket_create(
        actor=user("officer"),
        channel="hotline",
        receiving_unit=unit("logistics"),
        type="help",
        campus=Campus.objects.get(code="beijing"),
        content=content,
        requester_name="王同学",
        contact_phone=phone,
    ).ticket


def test_the_reply_forms_repeat_list_names_only_tickets_the_unit_may_open() -> None:
    """R6.1 / R10.3: the same requester's earlier request, led by another unit, is not offered as the original
    of a repeat — neither its number nor its subject reach the page; their own unit's earlier one is."""
    elsewhere = dispatched("图书馆三楼自习室的暖气不热，晚上很冷。", lead="library")
    ours = dispatched("宿舍楼3号楼暖气不热，室温只有12度。")
    current = handling(content="宿舍楼3号楼302室暖气还是不热，室温只有12度，请尽快维修。")
    html = signed_in("officer").get(reverse("work:ticket", args=[current.number])).content.decode()
    assert 'name="repeat_of"' in html
    assert ours.number in html
    assert elsewhere.number not in html and "图书馆三楼自习室" not in html


def test_an_unknown_number_answers_as_a_person_with_no_requests_would() -> None:
    """The probe of the intake form never tells whether a student or staff number exists: a number that matches
    nobody gives exactly the answer of a real person with nothing the recorder may open (no fallback to the
    phone's requests)."""
    phone = "13700001234"
    _hotline_call(HOT_WATER, phone)  # led by 后勤: the officer may open it
    nobody = user("teacher")
    nobody.number = "T20100001"
    nobody.save(update_fields=["number"])
    client = signed_in("officer")
    probe = {"contact_phone": phone, "content": "5号楼热水器又坏了"}
    answers = [
        client.get(reverse("intake:repeats"), {**probe, "requester_number": number})
        for number in ("T20100001", "NO-SUCH-NUMBER")
    ]
    assert answers[0].content == answers[1].content
    # Near-duplicates from anyone are still named (issue 16), never as the typed person's own request.
    assert not any(row["same"] for row in answers[1].context["rows"])


def test_people_who_may_not_record_cannot_probe_numbers() -> None:
    """A requester, a leader or an assessor gets 403 from the probe before any lookup."""
    for username in ("student", "leader", "assessor"):
        response = signed_in(username).get(
            reverse("intake:repeats"), {"requester_number": "T20100001", "content": "暖气"}
        )
        assert response.status_code == 403, username


def _urgent_for_the_student() -> Ticket:
    student = user("student")
    return services.ticket_create(
        actor=user("duty"),
        channel="duty_room",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        content="宿舍楼3号楼302室暖气漏水，水已流到楼道。",
        requester=student,
        requester_name=student.full_name,
        contact_phone="13812345678",
        urgent=True,
        urgent_reason=URGENT_REASON,
    ).ticket


def test_the_requester_never_reads_why_their_request_was_marked_urgent(person) -> None:
    """R10.1: the requester's own ticket page and the API's answer to them leave out ``urgent_reason`` (the API
    gives null); the Office still reads it on both."""
    ticket = _urgent_for_the_student()
    mine = signed_in("student").get(reverse("work:ticket", args=[ticket.number]))
    assert mine.status_code == 200 and URGENT_REASON not in mine.content.decode()
    office = signed_in("dispatcher").get(reverse("work:ticket", args=[ticket.number])).content.decode()
    assert URGENT_REASON in office
    for username, expected in (("student", None), ("dispatcher", URGENT_REASON)):
        client = Client()
        client.force_login(person(username))
        answer = client.get(f"{API}/tickets/{ticket.number}")
        assert answer.status_code == 200, answer.content
        assert answer.json()["urgent_reason"] == expected
        assert URGENT_REASON not in answer.content.decode() or expected
