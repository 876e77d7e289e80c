"""R8.5 inspections (Art. 15): a reproducible sample, findings per ticket, the requester called (contact
revealed and audited), and a notice 通报 archived byte for byte."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from docx import Document

from jiesu.supervision.errors import DomainError, NotAllowed
from jiesu.supervision.figures import Period
from jiesu.supervision.models import Finding, Notice
from jiesu.supervision.selectors import inspection_findings
from jiesu.supervision.services.inspections import (
    draw_sample,
    finding_record,
    inspection_create,
    notice_issue,
)
from jiesu.tickets.models import Event, Ticket
from tests.support import at, dispatched, signed_in, unit, user

pytestmark = pytest.mark.django_db

NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def tickets(demo_org: None) -> list[Ticket]:
    made = []
    for day in range(2, 14):
        with time_machine.travel(at(2026, 11, day, 10, 0), tick=False):
            made.append(dispatched(content=f"第{day}天：宿舍楼热水供应不稳定，请尽快检修。"))
    with time_machine.travel(at(2026, 11, 5, 10, 0), tick=False):
        dispatched(lead="library")  # another unit's: never in the logistics population
    return made


@pytest.fixture
def inspection(tickets):
    with time_machine.travel(at(2026, 12, 2, 9, 0), tick=False):
        return inspection_create(
            actor=user("inspector"), unit=unit("logistics"), period=NOVEMBER, size=4, seed="2026-11"
        )


def test_the_same_seed_draws_the_same_sample(inspection, tickets) -> None:
    """The population (the unit's tickets of the period, by id) and the seed are recorded; drawing again from
    the record, or creating a new inspection with that seed, gives the same tickets in the same order."""
    assert inspection.population == sorted(t.pk for t in tickets)
    assert len(inspection.sample) == 4 and set(inspection.sample) <= set(inspection.population)
    assert draw_sample(inspection.seed, inspection.population, 4) == inspection.sample
    assert draw_sample("2026-11", list(reversed(inspection.population)), 4) == inspection.sample
    again = inspection_create(
        actor=user("inspector"), unit=unit("logistics"), period=NOVEMBER, size=4, seed="2026-11"
    )
    assert again.sample == inspection.sample
    other = inspection_create(
        actor=user("inspector"), unit=unit("logistics"), period=NOVEMBER, size=4, seed="other"
    )
    assert other.sample != inspection.sample  # (fixed seeds: this pair is known to differ)


def test_draw_sample_is_a_pure_function_of_seed_population_and_size() -> None:
    population = list(range(1, 101))
    assert draw_sample("a", population, 10) == draw_sample("a", population, 10)
    assert sorted(draw_sample("a", population, 500)) == population  # a sample larger than the population: all


def test_without_a_seed_one_is_made_and_recorded(tickets) -> None:
    made = inspection_create(actor=user("inspector"), unit=unit("logistics"), period=NOVEMBER, size=3)
    assert len(made.seed) == 16
    assert draw_sample(made.seed, made.population, 3) == made.sample


@pytest.mark.parametrize(("username", "error"), [("dispatcher", NotAllowed), ("head", NotAllowed)])
def test_only_inspectors_draw_samples(tickets, username, error) -> None:
    with pytest.raises(error):
        inspection_create(actor=user(username), unit=unit("logistics"), period=NOVEMBER)


def test_an_empty_population_is_refused(demo_org) -> None:
    with pytest.raises(DomainError) as caught:
        inspection_create(actor=user("inspector"), unit=unit("logistics"), period=NOVEMBER)
    assert caught.value.field == "unit"


def test_findings_are_per_sampled_ticket_once_and_a_problem_is_described(inspection, tickets) -> None:
    outside = next(t for t in tickets if t.pk not in inspection.sample)
    first = Ticket.objects.get(pk=inspection.sample[0])
    checks = {"response": "ok", "resolution": "problem", "satisfaction": "ok"}
    with pytest.raises(DomainError):
        finding_record(actor=user("inspector"), inspection=inspection, ticket=outside, **checks, finding="x")
    with pytest.raises(DomainError) as caught:
        finding_record(actor=user("inspector"), inspection=inspection, ticket=first, **checks)
    assert caught.value.field == "finding"
    finding_record(
        actor=user("inspector"), inspection=inspection, ticket=first, **checks, finding="答复未解决问题"
    )
    with pytest.raises(DomainError):
        finding_record(
            actor=user("inspector"), inspection=inspection, ticket=first, **checks, finding="再记一次"
        )
    assert Finding.objects.count() == 1
    assert inspection_findings(NOVEMBER) == {unit("logistics").pk: 1}


def test_calling_the_requester_reveals_the_contact_and_is_audited(inspection) -> None:
    """The sampled ticket's page masks the contact; the inspector's reveal shows it and writes the ticket's
    history (R10.2)."""
    ticket = Ticket.objects.get(pk=inspection.sample[0])
    client = signed_in("inspector")
    url = f"/inspections/{inspection.pk}/tickets/{ticket.pk}/"
    page = client.get(url).content.decode()
    assert ticket.contact_phone and ticket.contact_phone not in page
    revealed = client.post(url, {"step": "reveal"}).content.decode()
    assert ticket.contact_phone in revealed
    assert Event.objects.filter(ticket=ticket, action="reveal_contact", actor=user("inspector")).count() == 1
    assert (
        client.post(
            url,
            {
                "step": "finding",
                "response": "ok",
                "resolution": "ok",
                "satisfaction": "ok",
                "called": "on",
                "call_note": "诉求人表示已解决",
            },
        ).status_code
        == 302
    )
    assert Finding.objects.get(ticket=ticket).called


def _issue(inspection) -> Notice:
    finding_record(
        actor=user("inspector"),
        inspection=inspection,
        ticket=Ticket.objects.get(pk=inspection.sample[0]),
        response="problem",
        resolution="ok",
        satisfaction="ok",
        finding="超时响应",
    )
    with time_machine.travel(at(2026, 12, 4, 9, 0), tick=False):
        return notice_issue(
            actor=user("inspector"),
            inspection=inspection,
            title="关于后勤管理处接诉即办抽查情况的通报",
            body="抽查发现1件超时响应。\n请限期整改。",
        )


def test_an_issued_notice_is_archived_unchanged(inspection) -> None:
    """The DOCX bytes and their SHA-256 are stored at issue; a week later the download is byte-identical,
    and the database refuses any change to the archived row."""
    notice = _issue(inspection)
    assert hashlib.sha256(bytes(notice.content)).hexdigest() == notice.sha256
    text = "\n".join(p.text for p in Document(io.BytesIO(bytes(notice.content))).paragraphs)
    assert "关于后勤管理处接诉即办抽查情况的通报" in text and "2026-11" in text
    with time_machine.travel(at(2026, 12, 11, 9, 0), tick=False):
        response = signed_in("dispatcher").get(f"/inspections/notices/{notice.pk}.docx")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == notice.sha256 == response["X-Content-SHA256"]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE supervision_notice SET title = 'x'")


def test_a_notice_needs_findings_and_an_inspector(inspection) -> None:
    with pytest.raises(DomainError):
        notice_issue(actor=user("inspector"), inspection=inspection, title="通报", body="正文")
    with pytest.raises(NotAllowed):
        notice_issue(actor=user("dispatcher"), inspection=inspection, title="通报", body="正文")


def test_inspection_pages_draw_and_list(tickets) -> None:
    client = signed_in("inspector")
    bad = client.post(
        "/inspections/", {"unit": unit("logistics").pk, "first": "2026-11-30", "last": "2026-11-01"}
    )
    assert bad.status_code == 400 and "开始日期" in bad.content.decode()
    made = client.post(
        "/inspections/",
        {
            "unit": unit("logistics").pk,
            "first": "2026-11-01",
            "last": "2026-11-30",
            "size": "3",
            "seed": "s1",
        },
    )
    assert made.status_code == 302
    page = client.get(made["Location"]).content.decode()
    assert page.count('data-testid="sample-row"') == 3
    assert signed_in("head").get("/inspections/").status_code == 403
    assert signed_in("dispatcher").post("/inspections/", {}).status_code == 403


def test_the_notice_is_issued_from_the_inspection_page_and_others_only_read(inspection) -> None:
    """Inspectors issue (a missing text is a 400 with a message, nothing archived); the Office reads the
    page and downloads, but has no form and may not post."""
    finding_record(
        actor=user("inspector"),
        inspection=inspection,
        ticket=Ticket.objects.get(pk=inspection.sample[0]),
        response="ok",
        resolution="ok",
        satisfaction="ok",
    )
    url = f"/inspections/{inspection.pk}/"
    inspector = signed_in("inspector")
    assert inspector.post(url, {"title": "通报", "body": ""}).status_code == 400
    assert not Notice.objects.exists()
    assert inspector.post(url, {"title": "抽查情况通报", "body": "本次抽查未发现问题。"}).status_code == 302
    office = signed_in("dispatcher")
    page = office.get(url).content.decode()
    assert 'data-testid="notice"' in page and 'data-testid="notice-form"' not in page
    assert office.post(url, {"title": "x", "body": "y"}).status_code == 403
    assert Notice.objects.count() == 1
