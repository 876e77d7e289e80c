"""The dispatch suggestion in use (R9.5): versions, the record beside each dispatch, the commands, the pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from jiesu.insight import selectors, services
from jiesu.insight.models import DispatchModel, DispatchSuggestion
from jiesu.tickets import services as ticket_services
from jiesu.tickets.models import Ticket
from tests.support import HEATING, Rollback, dispatched, new_ticket, signed_in, unit, user

pytestmark = pytest.mark.django_db

NETWORK = "宿舍的校园网晚上特别卡，网页都打不开，认证也经常失败。"


def test_the_first_dispatch_is_recorded_against_the_suggestion(demo_org: None) -> None:
    """Choosing the first suggestion counts as accepted; the three suggestions are kept with their confidence."""
    ticket = dispatched(HEATING, lead="logistics")
    record = DispatchSuggestion.objects.get(ticket=ticket)
    assert record.suggested[0]["unit"] == "后勤管理处"
    assert len(record.suggested) == 3
    assert record.accepted and record.in_top3
    assert record.chosen_unit == unit("logistics") == record.suggested_unit
    assert record.dispatched_by == user("dispatcher")


def test_choosing_another_unit_is_not_an_acceptance(demo_org: None) -> None:
    ticket = dispatched(HEATING, lead="library")
    record = DispatchSuggestion.objects.get(ticket=ticket)
    assert not record.accepted
    assert record.chosen_unit == unit("library")
    assert selectors.acceptance().dispatched == 1
    assert selectors.acceptance().rate == 0


def test_a_rolled_back_dispatch_records_nothing(demo_org: None) -> None:
    ticket = new_ticket()
    with pytest.raises(Rollback):
        with transaction.atomic():
            ticket_services.ticket_dispatch(
                actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics")
            )
            raise Rollback
    assert not DispatchSuggestion.objects.filter(ticket=ticket).exists()


def test_training_stores_a_new_version_that_is_used_at_once(demo_org: None) -> None:
    """A version learns from the remit and the closed tickets; the newest version answers from then on."""
    assert selectors.current_model()[0] is None  # cold start
    version = services.dispatch_model_train(trigger=DispatchModel.Trigger.COMMAND)
    assert version.tickets == Ticket.objects.filter(status__startswith="closed").count()
    assert version.remit_documents > 100
    assert "后勤管理处" in version.units
    number, ranked = selectors.suggest_units(NETWORK)
    assert number == version.pk
    assert ranked[0].unit == "网络信息中心"


def test_suggest_unit_prints_one_json_line_per_input_line(
    demo_org: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{HEATING}\n\n{NETWORK}\n"))
    out = io.StringIO()
    call_command("suggest-unit", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == 3
    assert lines[0]["units"][0]["unit"] == "后勤管理处"
    assert set(lines[0]["units"][0]) == {"unit", "confidence"}
    assert len(lines[0]["units"]) == 3
    assert lines[1] == {"units": []}
    assert lines[2]["units"][0]["unit"] == "网络信息中心"


def test_the_dispatch_queue_offers_three_suggestions_and_one_click_dispatches(demo_org: None) -> None:
    ticket = new_ticket(NETWORK)
    client = signed_in("dispatcher")
    page = client.get(reverse("work:dispatch")).content.decode()
    assert page.count('data-testid="suggestion"') == 3
    assert 'data-unit="网络信息中心"' in page
    nic = unit("nic")
    response = client.post(
        reverse("work:act", args=[ticket.number, "dispatch"]),
        {"lead_unit": nic.pk, "next": "/work/dispatch/"},
    )
    assert response.status_code in {200, 302}
    ticket.refresh_from_db()
    assert ticket.lead_unit == nic
    assert DispatchSuggestion.objects.get(ticket=ticket).accepted


def test_the_insight_page_shows_the_version_and_the_acceptance_rate(demo_org: None) -> None:
    dispatched(HEATING, lead="logistics")
    client = signed_in("dispatcher")
    page = client.get(reverse("insight:index")).content.decode()
    assert 'data-testid="cold-start"' in page
    assert "100%" in page
    services.dispatch_model_train(trigger=DispatchModel.Trigger.COMMAND)
    page = client.get(reverse("insight:index")).content.decode()
    assert 'data-testid="version"' in page


def test_only_the_office_opens_the_insight_page(demo_org: None) -> None:
    assert signed_in("student").get(reverse("insight:index")).status_code == 403
    assert signed_in("head").post(reverse("insight:retrain")).status_code == 403
    assert signed_in("duty").get(reverse("insight:index")).status_code == 200


def test_retrain_now_queues_a_training_for_the_worker(
    demo_org: None, django_capture_on_commit_callbacks
) -> None:
    """With the worker hooked on, the button queues the training after the request commits."""
    asked = []
    monkey = pytest.MonkeyPatch()
    monkey.setattr(services, "_trainers", [asked.append])
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = signed_in("dispatcher").post(reverse("insight:retrain"))
    finally:
        monkey.undo()
    assert response.status_code == 302
    assert asked == [user("dispatcher").pk]


def test_the_worker_task_trains_a_version(demo_org: None) -> None:
    from jiesu.worker.tasks import train_dispatch

    train_dispatch.call_local(user("dispatcher").pk)
    version = DispatchModel.objects.get()
    assert version.trigger == DispatchModel.Trigger.ON_DEMAND
    assert version.trained_by == user("dispatcher")
