"""Repeat detection (R6.1) at intake and in the Office's queue: the same requester's earlier tickets and
near-duplicates from anyone, ranked, with the reason — naming only tickets the viewer may open (R10.3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiesu.insight import repeats
from jiesu.tickets.hints import Probe
from tests.support import PersonFactory, WebRequestFactory, signed_in, user

pytestmark = pytest.mark.django_db

HOT_WATER = "7号楼热水器不出热水，洗澡洗到一半变凉水，已经一个星期了"
HOT_WATER_AGAIN = "七号楼的热水还是时有时无，洗澡洗到一半就凉了，上周反映过，麻烦再看看"
LIBRARY = "图书馆借书逾期了几天，罚款是不是太多了"


def test_the_same_requester_repeating_is_named_first_with_the_reason(demo_org: None) -> None:
    alice, bob = PersonFactory(), PersonFactory()
    first = WebRequestFactory(requester=alice, subject="热水问题", content=HOT_WATER)
    other = WebRequestFactory(requester=bob, subject="热水", content="7号楼热水器不出热水，洗澡到一半变凉水")
    WebRequestFactory(requester=alice, subject="借书", content=LIBRARY)
    found = repeats.for_probe(user("dispatcher"), Probe(alice, "", "热水", HOT_WATER_AGAIN))
    numbers = [h.number for h in found]
    assert numbers[0] == first.number
    assert other.number in numbers  # a near-duplicate from someone else
    assert "热水" in found[0].reason  # the shared words are the reason shown
    assert found[0].reason != next(h for h in found if h.number == other.number).reason
    assert len([h for h in found if "借书" in h.subject]) == 0  # unrelated, under the threshold


def test_tickets_the_viewer_may_not_open_are_never_named(demo_org: None) -> None:
    """R10.3: a unit officer recording a call sees no other unit's or person's tickets in the candidates."""
    bob = PersonFactory()
    WebRequestFactory(requester=bob, subject="热水", content=HOT_WATER)
    assert repeats.for_probe(user("library_officer"), Probe(None, "", "热水", HOT_WATER_AGAIN)) == []


def test_the_intake_probe_lists_near_duplicates_from_anyone(demo_org: None) -> None:
    bob = PersonFactory()
    earlier = WebRequestFactory(requester=bob, subject="热水", content=HOT_WATER)
    response = signed_in("dispatcher").get(
        reverse("intake:repeats"),
        {"subject": "热水", "content": HOT_WATER_AGAIN, "contact_phone": "13900000000"},
    )
    page = response.content.decode()
    assert f'data-number="{earlier.number}"' in page
    assert 'data-testid="repeat-reason"' in page


def test_the_dispatch_queue_shows_possible_repeats(demo_org: None) -> None:
    alice = PersonFactory()
    first = WebRequestFactory(requester=alice, subject="热水问题", content=HOT_WATER)
    second = WebRequestFactory(requester=alice, subject="热水还是不行", content=HOT_WATER_AGAIN)
    page = signed_in("dispatcher").get(reverse("work:dispatch")).content.decode()
    assert 'data-testid="repeat-hint"' in page
    assert f'data-number="{first.number}"' in page
    hints = repeats.for_tickets(user("dispatcher"), [second, first])
    assert [h.number for h in hints[second.pk]] == [first.number]
    assert first.pk not in hints  # only earlier tickets are repeats of a later one


def test_the_queue_page_costs_the_same_queries_for_more_tickets(demo_org: None) -> None:
    from tests.support import queries_for

    client = signed_in("dispatcher")
    WebRequestFactory(content=HOT_WATER)
    few = queries_for(client, reverse("work:dispatch"))
    for _ in range(4):
        WebRequestFactory(content=LIBRARY)
    assert queries_for(client, reverse("work:dispatch")) == few
