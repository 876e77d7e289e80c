"""Access (R10): who sees which ticket, who sees full contacts, and how contacts are masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from jiesu.privacy import mask_email, mask_phone
from jiesu.tickets import services
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import get_ticket_for, may_see_full_contact, visible_tickets
from jiesu.tickets.states import Status
from tests.support import drive, unit, user, web_request


@pytest.fixture
def tickets(demo_org: None) -> dict[str, Ticket]:
    """A: the student's, led by 后勤管理处 and co-handled by 图书馆; B: the teacher's, awaiting dispatch;
    C: the teacher's, led by 网络信息中心."""
    a = drive(Status.HANDLING)
    b = web_request("teacher", "办公室空调不制冷。")
    c = web_request("teacher", "教学楼Wi-Fi经常断线。")
    services.ticket_dispatch(actor=user("dispatcher"), ticket=c, lead_unit=unit("nic"))
    return {"A": a, "B": b, "C": c}


SEES = [
    ("student", "A"),
    ("teacher", "BC"),  # R10.1 requester A vs requester B
    ("officer", "A"),
    ("handler", "A"),
    ("head", "A"),  # R10.3 the lead unit
    ("library_officer", "A"),  # R10.3 a co-handling unit
    ("nic_officer", "C"),
    ("security_officer", ""),  # other units
    ("dispatcher", "ABC"),
    ("duty", "ABC"),
    ("leader", "ABC"),
    ("inspector", "ABC"),  # R10.3 see all
    ("assessor", ""),  # R10.3 aggregates only
    ("admin", ""),  # the system administrator is not a ticket role
]


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "names"), SEES)
def test_visible_tickets_per_role(username: str, names: str, tickets: dict[str, Ticket]) -> None:
    """R10.1 / R10.3: each role sees exactly its tickets; everything else answers 404, never 403."""
    person = user(username)
    expected = {tickets[n].pk for n in names}
    assert set(visible_tickets(person).values_list("pk", flat=True)) == expected
    for name, ticket in tickets.items():
        if name in names:
            assert get_ticket_for(person, ticket.number).pk == ticket.pk
        else:
            with pytest.raises(Http404):
                get_ticket_for(person, ticket.number)


@pytest.mark.django_db
def test_anonymous_sees_nothing(tickets: dict[str, Ticket]) -> None:
    """R10.1: without signing in, no ticket is visible (tracking needs number and code)."""
    assert not visible_tickets(AnonymousUser()).exists()  # type: ignore[arg-type]


@pytest.mark.django_db
def test_visibility_is_one_query(tickets: dict[str, Ticket], django_assert_max_num_queries: Any) -> None:
    """The scope is a single query, however many co-handling units (roles resolved once per user)."""
    person = user("library_officer")
    with django_assert_max_num_queries(2):
        list(visible_tickets(person))


FULL_CONTACT = {
    "student": True,
    "officer": True,
    "handler": True,
    "head": True,
    "dispatcher": True,
    "duty": True,
    "inspector": True,
    "library_officer": False,
    "leader": False,
    "nic_officer": False,
    "assessor": False,
    "teacher": False,
    "admin": False,
}


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "full"), FULL_CONTACT.items())
def test_full_contact_only_for_the_need_to_know(
    username: str, full: bool, tickets: dict[str, Ticket]
) -> None:
    """R10.2: the lead unit, the Office and inspectors (and the requester, of their own) see the full contact."""
    assert may_see_full_contact(user(username), tickets["A"]) is full


@pytest.mark.django_db
def test_redispatch_moves_full_contact_with_the_lead(tickets: dict[str, Ticket]) -> None:
    """R10.2: need-to-know follows the lead unit."""
    a = tickets["A"]
    Ticket.objects.filter(pk=a.pk).update(lead_unit=unit("security"))
    a.refresh_from_db()
    assert may_see_full_contact(user("security_officer"), a)
    assert not may_see_full_contact(user("officer"), a)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812341234", "138****1234"),
        ("+86 13812341234", "+86****1234"),
        ("88561833", "******33"),
        ("12345", "***45"),
        ("1234", "****"),
        ("", ""),
        ("  13812341234  ", "138****1234"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    """R10.2: mobiles keep the first 3 and last 4 digits; short numbers only their last two."""
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("zhang.wei@example.edu.cn", "z***@example.edu.cn"),
        ("a@b.cn", "a***@b.cn"),
        ("@b.cn", "***@b.cn"),
        ("not-an-email", ""),
        ("", ""),
    ],
)
def test_mask_email(email: str, masked: str) -> None:
    """R10.2: only the first letter of the mailbox name stays."""
    assert mask_email(email) == masked
