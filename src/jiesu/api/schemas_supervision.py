"""Request and response shapes of the supervision endpoints: orders 督办 (R8.2), inspections (R8.5) and the
assessment (R8.6)."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Literal

from ninja import Field, Schema

from jiesu.api.schemas import ContactOut, In, UnitRef
from jiesu.supervision.models import Finding
from jiesu.supervision.services.inspections import MAX_SAMPLE
from jiesu.supervision.services.orders import MAX_DAYS
from jiesu.supervision.states import OrderLevel, OrderState

Check = Literal["ok", "problem"]
assert set(Finding.Check.values) == {"ok", "problem"}  # noqa: S101 - the literal above follows the model

# --- orders (R8.2) ----------------------------------------------------------------------------------------------


class OrderQuery(In):
    unit: str | None = Field(None, max_length=64, description="unit code")
    state: OrderState | None = None
    level: OrderLevel | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10000)


class OrderRow(Schema):
    id: int
    subject: str
    unit: UnitRef
    ticket: str | None = Field(description="the ticket's number, for an order on a ticket")
    level: OrderLevel
    level_label: str
    state: OrderState
    state_label: str
    issued_at: dt.datetime
    issued_by: str
    deadline_at: dt.datetime
    deadline_days: int = Field(description="working days the unit was given")
    provisional: bool = Field(description="R5.3: the deadline rests on fallback calendar data")
    overdue: bool = Field(description="still awaiting the unit's answer and past its deadline")
    escalation: int = Field(description="0 none, 1 escalated to the unit head, 2 to the leader in charge")
    answered_at: dt.datetime | None
    answered_on_time: bool | None
    closed_at: dt.datetime | None


class OrderPage(Schema):
    count: int
    limit: int
    offset: int
    items: builtins.list[OrderRow]


class OrderEventOut(Schema):
    at: dt.datetime
    action: str = Field(description="issue, answer, accept, return, withdraw or escalate")
    actor: str | None = Field(description="null for the sweep's escalations")
    from_state: str
    to_state: str
    text: str = Field(description="the requirement, the answer, the review comment or the reason")
    data: dict[str, object] = Field(
        description="deadline, on_time, level, or the escalation step and recipients"
    )


class OrderDetail(OrderRow):
    requirement: str
    answer: str
    answered_by: str | None
    allowed_actions: builtins.list[str] = Field(
        description="the moves this caller may make now: answer, accept, return, withdraw (a hint; the "
        "service decides)"
    )
    events: builtins.list[OrderEventOut] = Field(description="the order's append-only log, oldest first")


class OrderIssueIn(In):
    ticket: str | None = Field(
        None, max_length=20, description="ticket number; the order goes to its lead unit"
    )
    unit: str | None = Field(None, max_length=64, description="unit code, for an order on a unit's matter")
    subject: str = Field("", max_length=120, description="default for a ticket: its number and subject")
    requirement: str = Field(min_length=1, max_length=5000)
    level: OrderLevel
    days: int | None = Field(
        None, ge=1, le=MAX_DAYS, description="working days to answer; default by level (JIESU_RULES)"
    )


class OrderAnswerIn(In):
    answer: str = Field(min_length=1, max_length=5000)


class OrderReviewIn(In):
    decision: Literal["accept", "return"]
    comment: str = Field("", max_length=2000, description="required to return the answer")


class OrderWithdrawIn(In):
    reason: str = Field(min_length=1, max_length=2000)


# --- inspections (R8.5) -----------------------------------------------------------------------------------------


class InspectionRow(Schema):
    id: int
    unit: UnitRef
    first_day: dt.date
    last_day: dt.date
    seed: str
    size: int
    population: int = Field(description="how many tickets the sample was drawn from")
    sampled: int
    created_by: str
    created_at: dt.datetime


class InspectionPage(Schema):
    count: int
    limit: int
    offset: int
    items: builtins.list[InspectionRow]


class InspectionQuery(In):
    unit: str | None = Field(None, max_length=64, description="unit code")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10000)


class FindingOut(Schema):
    response: Check
    resolution: Check
    satisfaction: Check
    called: bool
    call_note: str
    finding: str
    has_problem: bool
    recorded_by: str
    recorded_at: dt.datetime


class SampleOut(Schema):
    number: str
    subject: str
    status: str
    received_at: dt.datetime
    lead_unit: str | None
    contact: ContactOut = Field(
        description="R10.2: always masked here; an inspector reveals it with POST "
        "/api/v1/tickets/{number}/contact/reveal, which records the reveal in the ticket's history"
    )
    finding: FindingOut | None


class NoticeOut(Schema):
    id: int
    title: str
    sha256: str
    issued_by: str
    issued_at: dt.datetime
    url: str = Field(description="the archived DOCX, byte for byte as issued (web session)")


class InspectionDetail(InspectionRow):
    population_ids: builtins.list[int] = Field(description="the ticket ids drawn from, ascending")
    sample: builtins.list[SampleOut] = Field(description="in drawing order")
    notices: builtins.list[NoticeOut]


class InspectionIn(In):
    unit: str = Field(max_length=64, description="unit code")
    first_day: dt.date = Field(description="first day received (Asia/Shanghai)")
    last_day: dt.date = Field(description="last day received, inclusive")
    size: int | None = Field(None, ge=1, le=MAX_SAMPLE, description="default INSPECTION_SAMPLE (JIESU_RULES)")
    seed: str = Field(
        "",
        max_length=64,
        description="empty: a random seed is made and recorded; the same seed draws the same sample",
    )


class FindingIn(In):
    response: Check
    resolution: Check
    satisfaction: Check
    called: bool = False
    call_note: str = Field("", max_length=2000, description="required when called")
    finding: str = Field("", max_length=5000, description="required when any check is a problem")


# --- assessment (R8.6) ------------------------------------------------------------------------------------------


class AssessmentQuery(In):
    first_day: dt.date = Field(alias="from", description="first day received (Asia/Shanghai)")
    last_day: dt.date = Field(alias="to", description="last day received, inclusive")


class AssessmentRow(Schema):
    """One unit's row, as ``jiesu assess --json`` prints it: rates are fractions 0–1, null when nothing to rate."""

    unit: str
    received: int
    response_rate: float | None
    ontime_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    score: float | None = Field(description="points 0–100")
    rank: int | None


class AssessmentOut(Schema):
    first_day: dt.date
    last_day: dt.date
    as_of: dt.datetime
    weights: dict[str, float]
    units: builtins.list[AssessmentRow] = Field(description="ranked by score")
    total: AssessmentRow = Field(description="the whole school, tickets not yet dispatched included")
