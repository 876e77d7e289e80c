"""Petitions 信访 (R2.5): the Office records a letter or a visit as a ticket plus the steps Art. 4.5 names."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jiesu.channels import services
from jiesu.channels.hooks import origin_hints
from jiesu.channels.models import ChannelLog, Petition, PetitionStep
from jiesu.tickets.errors import DomainError, NotAllowed
from jiesu.tickets.models import Channel, Ticket
from jiesu.tickets.states import Status
from tests.support import at, beijing, user

LETTER = "反映某学院研究生奖学金评定程序不公开，要求说明评定依据。"


def _petition(**extra) -> Petition:
    fields = {
        "actor": user("dispatcher"),
        "form": Petition.Form.LETTER,
        "origin": Petition.Origin.OUTSIDE,
        "name": "张先生",
        "phone": "13911112222",
        "address": "北京市海淀区某街道",
        "people": 1,
        "content": LETTER,
        "campus": beijing(),
    }
    return services.petition_create(**(fields | extra))


def test_a_petition_is_a_ticket_on_the_petition_channel(monday) -> None:
    petition = _petition()
    ticket = petition.ticket
    assert (ticket.channel, ticket.status, ticket.requester_name) == (Channel.PETITION, Status.NEW, "张先生")
    assert ticket.contact_phone == "13911112222"
    assert ChannelLog.objects.filter(subject=f"petition:{petition.pk}", action="petition_create").exists()


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"actor": "officer"}, NotAllowed),
        ({"name": ""}, DomainError),
        ({"phone": ""}, DomainError),
        ({"content": ""}, DomainError),
        ({"content": "长" * 5001}, DomainError),
        ({"address": "址" * 201}, DomainError),
        ({"name": "张\x00"}, DomainError),
        ({"form": "email"}, DomainError),
        ({"people": 0}, DomainError),
    ],
)
def test_bad_petitions_are_refused_and_nothing_is_written(monday, extra, error) -> None:
    if "actor" in extra:
        extra = extra | {"actor": user(extra["actor"])}
    with pytest.raises(error):
        _petition(**extra)
    assert not Ticket.objects.filter(channel=Channel.PETITION).exists()
    assert not Petition.objects.exists()


def test_the_steps_are_recorded_with_whom_and_when(monday) -> None:
    """Explanation, report upward (to whom, when) and feedback, each kept in order with its author."""
    petition = _petition()
    office = user("dispatcher")
    services.petition_step_add(
        actor=office, petition=petition, kind="explained", body="已向来信人解释评定程序。"
    )
    with pytest.raises(DomainError) as refused:
        services.petition_step_add(actor=office, petition=petition, kind="reported", body="已报告")
    assert refused.value.field == "reported_to"
    with pytest.raises(DomainError):  # not in the future
        services.petition_step_add(
            actor=office,
            petition=petition,
            kind="reported",
            body="已报告",
            reported_to="市教委信访办",
            reported_at=at(2026, 12, 8),
        )
    services.petition_step_add(
        actor=office,
        petition=petition,
        kind="reported",
        body="已书面报告",
        reported_to="市教委信访办",
        reported_at=at(2026, 12, 7, 9),
    )
    services.petition_step_add(actor=office, petition=petition, kind="feedback", body="已电话反馈处理结果。")
    steps = list(petition.steps.order_by("at", "id"))
    assert [s.kind for s in steps] == ["explained", "reported", "feedback"]
    assert steps[1].reported_to == "市教委信访办"
    assert ChannelLog.objects.filter(action="petition_step").count() == 3
    hint = origin_hints([petition.ticket_id])[petition.ticket_id][0]
    assert hint.state == "已作解释、已向上级报告、已反馈"


def test_steps_are_append_only_and_a_report_needs_whom_and_when_in_the_database(monday) -> None:
    petition = _petition()
    step = services.petition_step_add(
        actor=user("dispatcher"), petition=petition, kind="explained", body="解释"
    )
    with pytest.raises(RuntimeError):
        step.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        PetitionStep.objects.create(
            petition=petition, kind="reported", body="x", actor=user("dispatcher"), at=at(2026, 12, 7)
        )
