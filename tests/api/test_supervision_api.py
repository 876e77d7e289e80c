"""The supervision endpoints: orders 督办 (R8.2), inspections (R8.5) and the assessment (R8.6) through the same
permission module and services as the web pages — who may do what, bad input as a structured 4xx, and the same
result on both sides (the same sample for the same seed, an order issued here shown on the board)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiesu.supervision.assessment import AssessmentReport
from jiesu.supervision.figures import Period
from jiesu.supervision.models import Finding, Inspection, Order, OrderEvent
from jiesu.supervision.services.inspections import draw_sample, inspection_create
from jiesu.supervision.services.orders import order_issue
from jiesu.supervision.states import OrderState
from jiesu.tickets.models import Event, Ticket
from jiesu.worker.sweep import run_sweep
from tests.api.conftest import assert_error
from tests.support import at, dispatched, signed_in, unit, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

START = at(2026, 11, 24, 9, 0)  # a Tuesday
DEADLINE = at(2026, 11, 28, 0, 0)  # three working days later: the end of Friday 27
NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
PHONE = "13812345678"


@pytest.fixture
def ticket() -> Ticket:
    with time_machine.travel(START, tick=False):
        return dispatched()


@pytest.fixture
def order(ticket: Ticket) -> Order:
    with time_machine.travel(START, tick=False):
        return order_issue(
            actor=user("dispatcher"),
            ticket=ticket,
            subject="",
            requirement="书面说明暖气维修进展",
            level="supervise",
        )


@pytest.fixture
def library_order() -> Order:
    with time_machine.travel(START, tick=False):
        return order_issue(
            actor=user("leader"),
            unit=unit("library"),
            subject="闭馆时间",
            requirement="说明调整理由",
            level="listed",
        )


@pytest.fixture
def sampled() -> list[Ticket]:
    """Twelve logistics tickets in November (and one of the library's, never in the logistics population)."""
    made = []
    for day in range(2, 14):
        with time_machine.travel(at(2026, 11, day, 10, 0), tick=False):
            made.append(dispatched(content=f"第{day}天：宿舍楼热水供应不稳定，请尽快检修。"))
    with time_machine.travel(at(2026, 11, 5, 10, 0), tick=False):
        dispatched(lead="library")
    Ticket.objects.filter(pk__in=[t.pk for t in made]).update(contact_phone=PHONE)
    return made


@pytest.fixture
def inspection(sampled: list[Ticket]) -> Inspection:
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        return inspection_create(
            actor=user("inspector"), unit=unit("logistics"), period=NOVEMBER, size=4, seed="2026-11"
        )


def _number(inspection: Inspection, index: int = 0) -> str:
    return Ticket.objects.get(pk=inspection.sample[index]).number


# -- orders: reading ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("dispatcher", {"logistics", "library"}),  # the Office: every order
        ("leader", {"logistics", "library"}),
        ("inspector", {"logistics", "library"}),
        ("officer", {"logistics"}),  # a unit's people: their unit's orders only
        ("library_officer", {"library"}),
    ],
)
def test_the_order_list_shows_each_person_the_orders_they_may_see(
    as_token, order, library_order, username, visible
) -> None:
    body = as_token(username).get("/orders").json()
    assert {row["unit"]["code"] for row in body["items"]} == visible
    assert body["count"] == len(visible)


def test_people_outside_supervision_may_not_read_orders(as_token, order) -> None:
    """A requester (or an assessor) is refused the list and any order alike: nothing tells them which exist."""
    for username in ("student", "assessor"):
        api = as_token(username)
        assert_error(api.get("/orders"), 403, "forbidden")
        assert_error(api.get(f"/orders/{order.pk}"), 403, "forbidden")
        assert_error(api.get("/orders/999999"), 403, "forbidden")


def test_another_units_order_is_not_found_like_an_unknown_one(as_token, order) -> None:
    api = as_token("library_officer")
    assert_error(api.get(f"/orders/{order.pk}"), 404, "not_found")
    assert_error(api.get("/orders/999999"), 404, "not_found")
    assert_error(api.post(f"/orders/{order.pk}/answer", {"answer": "已处理"}), 404, "not_found")
    assert_error(as_token("dispatcher").get(f"/orders/{2**63}"), 404, "not_found")


def test_the_order_list_filters_and_pages(as_token, order, library_order) -> None:
    api = as_token("dispatcher")
    assert [r["id"] for r in api.get("/orders", {"unit": "library"}).json()["items"]] == [library_order.pk]
    assert [r["id"] for r in api.get("/orders", {"level": "supervise"}).json()["items"]] == [order.pk]
    assert api.get("/orders", {"state": "answered"}).json()["items"] == []
    first = api.get("/orders", {"limit": 1}).json()
    second = api.get("/orders", {"limit": 1, "offset": 1}).json()
    assert (first["count"], second["count"]) == (2, 2)
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {order.pk, library_order.pk}
    assert_error(api.get("/orders", {"unit": "nowhere"}), 422, "validation_error", "unit")
    assert_error(api.get("/orders", {"state": "lost"}), 422, "validation_error", "state")
    assert_error(api.get("/orders", {"limit": 0}), 422, "validation_error", "limit")


def test_the_order_list_costs_the_same_queries_for_one_order_or_many(as_token, order, ticket) -> None:
    api = as_token("dispatcher")
    api.get("/orders")  # the token's last-used stamp is written once
    with CaptureQueriesContext(connection) as one:
        assert api.get("/orders").status_code == 200
    with time_machine.travel(START, tick=False):
        for n in range(5):
            order_issue(
                actor=user("leader"),
                unit=unit("nic"),
                subject=f"事项{n}",
                requirement="整改",
                level="supervise",
            )
    with CaptureQueriesContext(connection) as six:
        assert len(api.get("/orders").json()["items"]) == 6
    assert len(six.captured_queries) == len(one.captured_queries)


def test_the_order_detail_has_its_answer_and_escalations(as_token, order, ticket) -> None:
    """The log as on the order page: the issue, the sweep's escalation (no actor), the unit's answer."""
    run_sweep(now=DEADLINE + dt.timedelta(minutes=1))
    with time_machine.travel(DEADLINE + dt.timedelta(hours=2), tick=False):
        answered = as_token("officer").post(
            f"/orders/{order.pk}/answer", {"answer": "已更换阀门，暖气恢复。"}
        )
    assert answered.status_code == 200, answered.content
    body = as_token("inspector").get(f"/orders/{order.pk}").json()
    assert (body["ticket"], body["unit"]["code"], body["state"]) == (ticket.number, "logistics", "answered")
    assert (body["answer"], body["answered_on_time"], body["escalation"]) == (
        "已更换阀门，暖气恢复。",
        False,
        1,
    )
    assert [e["action"] for e in body["events"]] == ["issue", "escalate", "answer"]
    escalation = body["events"][1]
    assert escalation["actor"] is None and escalation["data"]["step"] == 1
    assert body["allowed_actions"] == []  # the inspector reads only
    assert as_token("dispatcher").get(f"/orders/{order.pk}").json()["allowed_actions"] == [
        "accept",
        "return",
        "withdraw",
    ]


# -- orders: moves -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["student", "officer", "library_officer", "inspector", "assessor"])
def test_only_the_office_and_leaders_issue_orders(as_token, ticket, username) -> None:
    response = as_token(username).post(
        "/orders", {"ticket": ticket.number, "requirement": "三日内书面答复", "level": "supervise"}
    )
    assert_error(response, 403, "forbidden")
    assert not Order.objects.exists()


@pytest.mark.parametrize("username", ["dispatcher", "leader"])
def test_the_office_or_a_leader_issues_an_order_shown_on_the_board(as_token, ticket, username) -> None:
    with time_machine.travel(START, tick=False):
        response = as_token(username).post(
            "/orders", {"ticket": ticket.number, "requirement": "三日内书面答复", "level": "supervise"}
        )
    assert response.status_code == 201, response.content
    body = response.json()
    made = Order.objects.get()
    assert body["id"] == made.pk and body["unit"]["code"] == "logistics"
    assert dt.datetime.fromisoformat(body["deadline_at"]) == DEADLINE
    assert body["subject"].startswith(ticket.number)
    assert [e["action"] for e in body["events"]] == ["issue"]
    assert Event.objects.filter(ticket=ticket, action="order_issue").count() == 1  # the ticket's history
    board = signed_in("officer").get("/orders/").content.decode()
    assert made.subject in board
    page = signed_in("officer").get(f"/orders/{made.pk}/").content.decode()
    assert "三日内书面答复" in page


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"unit": "logistics", "requirement": "整改", "level": "urgent"}, 422, "level"),
        ({"unit": "logistics", "requirement": "", "level": "supervise"}, 422, "requirement"),
        ({"unit": "logistics", "requirement": "整改", "level": "supervise", "days": 31}, 422, "days"),
        ({"unit": "logistics", "requirement": "整改", "level": "supervise", "days": 0}, 422, "days"),
        ({"unit": "nowhere", "requirement": "整改", "level": "supervise"}, 422, "unit"),
        ({"ticket": "20991231-000001", "requirement": "整改", "level": "supervise"}, 422, "ticket"),
        ({"unit": "logistics", "requirement": "整改\x00", "level": "supervise"}, 422, "requirement"),
        ({"requirement": "整改", "level": "supervise"}, 400, "unit"),  # the service: name a unit or a ticket
        ({"unit": "nic", "subject": "机房", "requirement": "   ", "level": "supervise"}, 400, "requirement"),
        (
            {"unit": "library", "ticket": "", "subject": " ", "requirement": "整改", "level": "listed"},
            400,
            "subject",
        ),
    ],
)
def test_bad_orders_are_refused_with_the_field_and_nothing_written(as_token, body, status, field) -> None:
    response = as_token("dispatcher").post("/orders", body)
    assert_error(response, status, "validation_error" if status == 422 else "invalid", field)
    assert not Order.objects.exists() and not OrderEvent.objects.exists()


def test_an_order_on_another_ticket_goes_to_its_lead_unit_only(as_token, ticket) -> None:
    response = as_token("dispatcher").post(
        "/orders", {"ticket": ticket.number, "unit": "library", "requirement": "整改", "level": "supervise"}
    )
    assert_error(response, 400, "invalid", "unit")


@pytest.mark.parametrize(
    ("username", "status", "code"),
    [
        ("officer", 200, None),  # the ordered unit's people answer
        ("head", 200, None),
        ("library_officer", 404, "not_found"),  # another unit's people do not see it
        ("dispatcher", 403, "forbidden"),  # the Office sees it but does not answer for the unit
        ("inspector", 403, "forbidden"),
        ("student", 403, "forbidden"),
    ],
)
def test_the_ordered_units_people_answer(as_token, order, username, status, code) -> None:
    response = as_token(username).post(f"/orders/{order.pk}/answer", {"answer": "已处理完毕"})
    if code:
        assert_error(response, status, code)
        assert Order.objects.get().state == OrderState.ISSUED
        return
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "answered" and response.json()["answered_by"]
    assert OrderEvent.objects.filter(order=order, action="answer").count() == 1


def test_an_answer_twice_or_empty_is_refused(as_token, order) -> None:
    api = as_token("officer")
    assert_error(api.post(f"/orders/{order.pk}/answer", {"answer": ""}), 422, "validation_error", "answer")
    assert_error(api.post(f"/orders/{order.pk}/answer", {"answer": "  "}), 400, "invalid", "answer")
    assert_error(api.post(f"/orders/{order.pk}/answer", {}), 422, "validation_error", "answer")
    assert api.post(f"/orders/{order.pk}/answer", {"answer": "已处理"}).status_code == 200
    assert_error(api.post(f"/orders/{order.pk}/answer", {"answer": "再答"}), 409, "transition_not_allowed")
    assert OrderEvent.objects.filter(order=order, action="answer").count() == 1


def test_the_office_returns_then_accepts_and_a_leader_withdraws(as_token, order, library_order) -> None:
    office, officer = as_token("dispatcher"), as_token("officer")
    officer.post(f"/orders/{order.pk}/answer", {"answer": "已处理"})
    assert_error(officer.post(f"/orders/{order.pk}/review", {"decision": "accept"}), 403, "forbidden")
    assert_error(office.post(f"/orders/{order.pk}/review", {"decision": "return"}), 400, "invalid", "comment")
    assert_error(
        office.post(f"/orders/{order.pk}/review", {"decision": "maybe"}), 422, "validation_error", "decision"
    )
    returned = office.post(f"/orders/{order.pk}/review", {"decision": "return", "comment": "请附照片"})
    assert returned.json()["state"] == "returned"
    officer.post(f"/orders/{order.pk}/answer", {"answer": "已附照片"})
    accepted = office.post(f"/orders/{order.pk}/review", {"decision": "accept"}).json()
    assert accepted["state"] == "accepted" and accepted["closed_at"]
    assert [e["action"] for e in accepted["events"]] == ["issue", "answer", "return", "answer", "accept"]
    leader = as_token("leader")
    assert_error(leader.post(f"/orders/{library_order.pk}/withdraw", {"reason": ""}), 422, "validation_error")
    withdrawn = leader.post(f"/orders/{library_order.pk}/withdraw", {"reason": "已另行解决"}).json()
    assert withdrawn["state"] == "withdrawn"


def test_an_order_answered_through_the_api_reads_the_same_on_the_page(as_token, order) -> None:
    as_token("officer").post(f"/orders/{order.pk}/answer", {"answer": "阀门已更换"})
    page = signed_in("dispatcher").get(f"/orders/{order.pk}/").content.decode()
    assert "阀门已更换" in page
    web = signed_in("head").post(f"/orders/{order.pk}/", {"step": "answer", "answer": "再答"})
    assert web.status_code == 400  # the page refuses the same second answer the API refuses with 409


# -- inspections ---------------------------------------------------------------------------------------------


def test_an_inspector_draws_a_sample_and_the_same_seed_draws_the_same_sample_on_the_page(
    as_token, sampled
) -> None:
    """The population and the seed are recorded; the API and the inspection page give the same tickets."""
    body = {
        "unit": "logistics",
        "first_day": "2026-11-01",
        "last_day": "2026-11-30",
        "size": 4,
        "seed": "2026-11",
    }
    response = as_token("inspector").post("/inspections", body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["seed"] == "2026-11" and made["population"] == 12 and made["sampled"] == 4
    assert made["population_ids"] == sorted(t.pk for t in sampled)
    drawn = Inspection.objects.get(pk=made["id"])
    assert [s["number"] for s in made["sample"]] == [Ticket.objects.get(pk=pk).number for pk in drawn.sample]
    assert drawn.sample == draw_sample("2026-11", drawn.population, 4)
    web = signed_in("inspector").post(
        "/inspections/",
        {
            "unit": unit("logistics").pk,
            "first": "2026-11-01",
            "last": "2026-11-30",
            "size": 4,
            "seed": "2026-11",
        },
    )
    assert web.status_code == 302
    on_page = Inspection.objects.exclude(pk=drawn.pk).get()
    assert on_page.sample == drawn.sample and on_page.population == drawn.population


def test_without_a_seed_one_is_made_and_recorded(as_token, sampled) -> None:
    body = {"unit": "logistics", "first_day": "2026-11-01", "last_day": "2026-11-30", "size": 3}
    made = as_token("inspector").post("/inspections", body).json()
    assert len(made["seed"]) == 16
    drawn = Inspection.objects.get()
    assert draw_sample(made["seed"], drawn.population, 3) == drawn.sample


@pytest.mark.parametrize(
    "username", ["dispatcher", "leader", "officer", "library_officer", "student", "assessor"]
)
def test_only_inspectors_draw_samples(as_token, sampled, username) -> None:
    body = {"unit": "logistics", "first_day": "2026-11-01", "last_day": "2026-11-30"}
    assert_error(as_token(username).post("/inspections", body), 403, "forbidden")
    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"unit": "nowhere", "first_day": "2026-11-01", "last_day": "2026-11-30"}, 422, "unit"),
        ({"unit": "logistics", "first_day": "2026-11-30", "last_day": "2026-11-01"}, 422, "last_day"),
        ({"unit": "logistics", "first_day": "2026-11-31", "last_day": "2026-12-01"}, 422, "first_day"),
        ({"unit": "logistics", "first_day": "2026-11-01"}, 422, "last_day"),
        (
            {"unit": "logistics", "first_day": "2026-11-01", "last_day": "2026-11-30", "size": 201},
            422,
            "size",
        ),
        (
            {"unit": "logistics", "first_day": "2026-11-01", "last_day": "2026-11-30", "seed": "x" * 65},
            422,
            "seed",
        ),
        (
            {"unit": "logistics", "first_day": "2025-11-01", "last_day": "2025-11-30"},
            400,
            "unit",
        ),  # no tickets
    ],
)
def test_bad_samples_are_refused_with_the_field(as_token, sampled, body, status, field) -> None:
    response = as_token("inspector").post("/inspections", body)
    assert_error(response, status, "validation_error" if status == 422 else "invalid", field)
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("username", ["inspector", "dispatcher", "leader"])
def test_inspectors_the_office_and_leaders_read_inspections_with_contacts_masked(
    as_token, inspection, username
) -> None:
    api = as_token(username)
    listed = api.get("/inspections").json()
    assert [row["id"] for row in listed["items"]] == [inspection.pk]
    detail = api.get(f"/inspections/{inspection.pk}")
    assert detail.status_code == 200
    assert PHONE not in detail.content.decode()
    sample = detail.json()["sample"]
    assert len(sample) == 4
    assert {s["contact"]["phone"] for s in sample} == {"138****5678"}
    assert all(s["contact"]["masked"] for s in sample)
    assert {s["contact"]["revealable"] for s in sample} == {username == "inspector"}


@pytest.mark.parametrize("username", ["officer", "library_officer", "student", "assessor"])
def test_others_may_not_read_inspections(as_token, inspection, username) -> None:
    api = as_token(username)
    assert_error(api.get("/inspections"), 403, "forbidden")
    assert_error(api.get(f"/inspections/{inspection.pk}"), 403, "forbidden")
    assert_error(api.get("/inspections/999999"), 403, "forbidden")


def test_an_unknown_inspection_is_not_found(as_token, inspection) -> None:
    api = as_token("inspector")
    assert_error(api.get("/inspections/999999"), 404, "not_found")
    assert_error(api.get(f"/inspections/{2**63}"), 404, "not_found")
    assert api.get("/inspections", {"unit": "library"}).json()["items"] == []
    assert_error(api.get("/inspections", {"unit": "nowhere"}), 422, "validation_error", "unit")


def test_the_inspector_reveals_a_sampled_contact_through_the_audited_ticket_call(
    as_token, inspection
) -> None:
    number = _number(inspection)
    revealed = as_token("inspector").post(f"/tickets/{number}/contact/reveal")
    assert revealed.json()["phone"] == PHONE
    assert (
        Event.objects.filter(ticket__number=number, action="reveal_contact", actor=user("inspector")).count()
        == 1
    )


def test_an_inspector_records_a_finding_once(as_token, inspection) -> None:
    api = as_token("inspector")
    number = _number(inspection, 1)
    path = f"/inspections/{inspection.pk}/samples/{number}/finding"
    body = {
        "response": "ok",
        "resolution": "problem",
        "satisfaction": "ok",
        "called": True,
        "call_note": "学生说热水仍不稳定",
        "finding": "答复称已修复，回访时仍未解决",
    }
    response = api.post(path, body)
    assert response.status_code == 201, response.content
    row = next(s for s in response.json()["sample"] if s["number"] == number)
    assert row["finding"]["has_problem"] and row["finding"]["call_note"] == "学生说热水仍不稳定"
    assert_error(api.post(path, body), 400, "invalid", "ticket")
    assert Finding.objects.count() == 1
    page = signed_in("leader").get(f"/inspections/{inspection.pk}/").content.decode()
    assert number in page


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"response": "fine", "resolution": "ok", "satisfaction": "ok"}, 422, "response"),
        ({"resolution": "ok", "satisfaction": "ok"}, 422, "response"),
        ({"response": "ok", "resolution": "problem", "satisfaction": "ok"}, 400, "finding"),
        ({"response": "ok", "resolution": "ok", "satisfaction": "ok", "called": True}, 400, "call_note"),
    ],
)
def test_bad_findings_are_refused_with_the_field(as_token, inspection, body, status, field) -> None:
    response = as_token("inspector").post(
        f"/inspections/{inspection.pk}/samples/{_number(inspection)}/finding", body
    )
    assert_error(response, status, "validation_error" if status == 422 else "invalid", field)
    assert not Finding.objects.exists()


def test_a_finding_needs_an_inspector_and_a_sampled_ticket(as_token, inspection, sampled) -> None:
    body = {"response": "ok", "resolution": "ok", "satisfaction": "ok"}
    path = f"/inspections/{inspection.pk}/samples/{_number(inspection)}/finding"
    assert_error(as_token("dispatcher").post(path, body), 403, "forbidden")  # reads, does not inspect
    assert_error(as_token("officer").post(path, body), 403, "forbidden")
    outside = next(t for t in sampled if t.pk not in inspection.sample)
    api = as_token("inspector")
    assert_error(
        api.post(f"/inspections/{inspection.pk}/samples/{outside.number}/finding", body), 404, "not_found"
    )
    assert_error(api.post(f"/inspections/999999/samples/{outside.number}/finding", body), 404, "not_found")
    assert not Finding.objects.exists()


# -- assessment ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["dispatcher", "leader", "inspector", "assessor"])
def test_the_assessment_is_the_reports_json(as_token, sampled, username) -> None:
    response = as_token(username).get("/assessment", {"from": "2026-11-01", "to": "2026-11-30"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["first_day"], body["last_day"]) == ("2026-11-01", "2026-11-30")
    expected = AssessmentReport(NOVEMBER).as_json()
    assert body["units"] == expected
    assert {row["unit"]: row["received"] for row in body["units"]} == {"后勤管理处": 12, "图书馆": 1}
    assert body["total"]["received"] == 13


@pytest.mark.parametrize("username", ["officer", "library_officer", "student"])
def test_others_may_not_read_the_assessment(as_token, username) -> None:
    assert_error(
        as_token(username).get("/assessment", {"from": "2026-11-01", "to": "2026-11-30"}), 403, "forbidden"
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "to"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
        ({"to": "2026-03-01"}, "from"),
        ({"from": "2000-01-01", "to": "2099-12-31"}, "from"),  # longer than ten years
    ],
)
def test_a_bad_assessment_period_is_a_422(as_token, params, field) -> None:
    assert_error(as_token("assessor").get("/assessment", params), 422, "validation_error", field)
