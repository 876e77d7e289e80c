"""Task forces 专班 (R6.4): opened by the Office from a hot topic or by hand, led by the lead unit's head; tickets
linked (similar new ones proposed), meetings and actions recorded, closed with a root-cause measure; every
change in the append-only log; linked tickets show the task force on their page."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from jiesu.insight import selectors, services, taskforces
from jiesu.insight.models import HotTopic, TaskForce, TaskForceEvent
from jiesu.notify.models import Notification
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from tests.insight.test_hot_topics import BURST, NOW, planted  # noqa: F401 - the planted fixture
from tests.support import PersonFactory, WebRequestFactory, signed_in, unit, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(planted: dict) -> HotTopic:  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        services.hot_topics_record()
    return HotTopic.objects.get()


def _open(topic: HotTopic | None = None) -> TaskForce:
    return taskforces.task_force_open(
        actor=user("dispatcher"), name="5号楼停水专班", lead_unit=unit("logistics"), hot_topic=topic
    )


def test_a_task_force_from_a_hot_topic_is_led_by_the_unit_head_and_links_its_tickets(topic: HotTopic) -> None:
    tf = _open(topic)
    assert tf.leader == user("head")
    assert set(tf.tickets.all()) == set(topic.tickets.all())
    kinds = list(tf.events.values_list("kind", flat=True))
    assert kinds[0] == TaskForceEvent.Kind.OPENED
    assert kinds.count(TaskForceEvent.Kind.LINKED) == topic.tickets.count()
    assert Notification.objects.filter(event="task_force", recipient=user("head")).count() == 1


def test_meetings_actions_and_closing_are_logged_and_closing_needs_a_measure(topic: HotTopic) -> None:
    tf = _open(topic)
    taskforces.task_force_note(
        actor=user("head"), task_force=tf, kind="meeting", text="召开协调会，排查供水管线"
    )
    taskforces.task_force_note(
        actor=user("dispatcher"), task_force=tf, kind="action", text="更换5号楼老化水泵"
    )
    with pytest.raises(DomainError):
        taskforces.task_force_close(actor=user("head"), task_force=tf, measure="  ")
    taskforces.task_force_close(
        actor=user("head"), task_force=tf, measure="建立停水提前通知制度，水泵年度检修"
    )
    tf.refresh_from_db()
    assert tf.status == TaskForce.Status.CLOSED
    assert "水泵" in tf.root_cause_measure
    kinds = list(tf.events.values_list("kind", flat=True))
    assert kinds[-3:] == ["meeting", "action", "closed"]
    with pytest.raises(TransitionError):
        taskforces.task_force_note(actor=user("head"), task_force=tf, kind="action", text="再次检修")
    event = tf.events.first()
    event.text = "changed"  # type: ignore[union-attr]
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()  # type: ignore[union-attr]


def test_only_the_office_opens_and_only_the_office_or_leader_acts(topic: HotTopic) -> None:
    with pytest.raises(NotAllowed):
        taskforces.task_force_open(actor=user("head"), name="专班", lead_unit=unit("logistics"))
    tf = _open(topic)
    with pytest.raises(NotAllowed):
        taskforces.task_force_note(actor=user("library_head"), task_force=tf, kind="action", text="x")
    assert signed_in("library_head").get(reverse("insight:task_force", args=[tf.pk])).status_code == 403
    assert signed_in("head").get(reverse("insight:task_force", args=[tf.pk])).status_code == 200


def test_a_task_force_by_hand_links_proposed_similar_new_tickets(demo_org: None) -> None:
    first = WebRequestFactory(requester=PersonFactory(), subject=BURST[0][0], content=BURST[0][1])
    tf = taskforces.task_force_open(
        actor=user("dispatcher"), name="停水", lead_unit=unit("logistics"), tickets=[first]
    )
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(days=1)):
        similar = WebRequestFactory(requester=PersonFactory(), subject=BURST[4][0], content=BURST[4][1])
        other = WebRequestFactory(requester=PersonFactory(), subject="借书", content="图书馆借书逾期罚款太多")
        proposed = [t for t, _ in selectors.task_force_proposals(user("dispatcher"), tf)]
        assert similar in proposed and other not in proposed
        client = signed_in("dispatcher")
        page = client.get(reverse("insight:task_force", args=[tf.pk])).content.decode()
        assert f'data-testid="proposal" data-number="{similar.number}"' in page
        client.post(reverse("insight:task_force_link", args=[tf.pk]), {"ticket": [similar.number]})
    assert similar in tf.tickets.all()


def test_a_unit_without_head_cannot_lead(demo_org: None) -> None:
    from jiesu.org.models import Membership  # noqa: PLC0415

    Membership.objects.filter(unit=unit("library"), role="unit_head").delete()
    with pytest.raises(DomainError, match="负责人|head"):
        taskforces.task_force_open(actor=user("dispatcher"), name="专班", lead_unit=unit("library"))
    assert not TaskForce.objects.exists()


def test_linked_tickets_show_the_task_force_on_their_page(topic: HotTopic) -> None:
    tf = _open(topic)
    ticket = topic.tickets.first()
    page = signed_in("dispatcher").get(reverse("work:ticket", args=[ticket.number])).content.decode()  # type: ignore[union-attr]
    assert 'data-testid="task-force-link"' in page
    assert tf.name in page


def test_opening_from_the_topic_page(topic: HotTopic) -> None:
    client = signed_in("dispatcher")
    response = client.post(
        reverse("insight:task_force_open"),
        {"hot_topic": topic.pk, "name": topic.label, "lead_unit": unit("logistics").pk},
    )
    tf = TaskForce.objects.get()
    assert response.headers["Location"] == reverse("insight:task_force", args=[tf.pk])
    assert tf.hot_topic == topic
    bad = client.post(
        reverse("insight:task_force_open"), {"hot_topic": topic.pk, "name": "", "lead_unit": ""}
    )
    assert bad.status_code == 302 and TaskForce.objects.count() == 1
