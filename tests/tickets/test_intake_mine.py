"""My requests (R10.1): a requester lists only their own tickets, in plain words, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiesu.tickets import services
from jiesu.tickets.models import Ticket


def raise_requests(user, campus, count: int, start: int = 0) -> list[str]:
    numbers = []
    for i in range(start, start + count):
        created = services.ticket_create(
            actor=user,
            channel="web",
            type="consultation",
            campus=campus,
            content=f"第{i}个问题：校园卡补办需要带什么材料？",
            requester=user,
            contact_phone="13812345678",
        )
        numbers.append(created.ticket.number)
    return numbers


def listed(response) -> list[str]:
    return [ticket.number for ticket, _status, _badge in response.context["rows"]]


@pytest.mark.django_db
def test_requester_sees_only_their_own(client: Client, person, beijing) -> None:
    """Requester B does not see requester A's tickets, and A sees all of theirs, newest first."""
    a_numbers = raise_requests(person("student"), beijing, 2)
    b_numbers = raise_requests(person("teacher"), beijing, 1)
    client.force_login(person("teacher"))
    response = client.get(reverse("intake:mine"))
    assert response.status_code == 200 and listed(response) == b_numbers
    html = response.content.decode()
    assert all(number not in html for number in a_numbers)
    client.force_login(person("student"))
    assert listed(client.get(reverse("intake:mine"))) == list(reversed(a_numbers))


@pytest.mark.django_db
def test_rows_link_to_the_ticket_page_and_say_the_status_plainly(
    client: Client, person, beijing, unit
) -> None:
    """Each row links to /tickets/<number>/ and names the lead unit once dispatched."""
    (number,) = raise_requests(person("student"), beijing, 1)
    services.ticket_dispatch(
        actor=person("dispatcher"), ticket=Ticket.objects.get(number=number), lead_unit=unit("logistics")
    )
    client.force_login(person("student"))
    response = client.get(reverse("intake:mine"))
    html = response.content.decode()
    assert f'href="/tickets/{number}/"' in html and unit("logistics").name in html
    (_ticket, status, _badge) = response.context["rows"][0]
    assert status and status != "dispatched"


@pytest.mark.django_db
def test_empty_list_invites_a_new_request(client: Client, person) -> None:
    client.force_login(person("student"))
    html = client.get(reverse("intake:mine")).content.decode()
    assert 'data-testid="no-requests"' in html and reverse("intake:new") in html


@pytest.mark.django_db
def test_query_count_does_not_grow_with_tickets(
    client: Client, person, beijing, django_assert_max_num_queries
) -> None:
    """Pinned: the page costs the same number of queries with 2 tickets and with 22 (two pages)."""
    student = person("student")
    raise_requests(student, beijing, 2)
    client.force_login(student)
    client.get(reverse("intake:mine"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("intake:mine"))
    raise_requests(student, beijing, 20, start=2)
    with django_assert_max_num_queries(8), CaptureQueriesContext(connection) as many:
        response = client.get(reverse("intake:mine"))
    assert len(listed(response)) == 20
    assert len(many) == len(few)


@pytest.mark.django_db
def test_each_requester_lists_only_their_own_requests(demo_org: None) -> None:
    """R10.1: three requesters with two requests each: "my requests" shows each exactly their own two."""
    from jiesu.tickets import selectors
    from tests.support import PersonFactory, WebRequestFactory

    people = PersonFactory.create_batch(3)
    own = {p.pk: {WebRequestFactory(requester=p).pk for _ in range(2)} for p in people}
    for p in people:
        assert set(selectors.my_requests(p).values_list("pk", flat=True)) == own[p.pk]
