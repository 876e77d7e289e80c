"""Request and response shapes of API v1 (they are the OpenAPI document's components)."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from jiesu.org.models import RequesterKind
from jiesu.textcheck import EARLIEST_YEAR, LATEST_YEAR, control_character
from jiesu.tickets.models import Channel, FollowupAttempt, FollowupOutcome, Level, ReplyKind, TicketType
from jiesu.tickets.states import Status

ListName = Literal[
    "inbox",
    "mine",
    "dispatch",
    "overdue",
    "approvals",
    "followups",
    "replied",
    "unreachable",
    "report_back",
    "all",
]
ClockState = Literal["ok", "due_soon", "overdue"]


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class In(Schema):
    """Every input schema: no control characters in any text (line breaks and tabs allowed), no date outside
    2000–2100 (issue 17 items 3 and 6) — a 422 naming the field, never a 500 further in."""

    @field_validator("*", mode="after")
    @classmethod
    def _clean(cls, value: object) -> object:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and control_character(item) is not None:
                raise PydanticCustomError("control_characters", "control characters are not allowed")
            if isinstance(item, dt.date) and not (EARLIEST_YEAR <= item.year <= LATEST_YEAR):
                raise PydanticCustomError("date_range", "dates must lie between the years 2000 and 2100")
        return value


# --- intake -----------------------------------------------------------------------------------------------------


class TicketCreateIn(In):
    """R1.2 / R2: a web request is the caller's own; other channels are recorded by staff for someone else."""

    channel: Channel
    type: TicketType
    campus: str = Field(description="campus code, e.g. beijing")
    content: str = Field(max_length=5000)
    subject: str = Field("", max_length=120)
    requester_name: str = Field("", max_length=64)
    requester_kind: RequesterKind | None = None
    contact_phone: str = Field("", max_length=32)
    contact_email: str = Field("", max_length=254)
    anonymous: bool = False
    urgent: bool = False
    urgent_reason: str = Field("", max_length=200)
    received_at: dt.datetime | None = Field(None, description="no offset means Asia/Shanghai; default now")
    receiving_unit: str | None = Field(None, description="unit code; hotline and walk-in only (R2)")
    acknowledge: bool = Field(
        False, description="hotline/walk-in answered on the call: acknowledged at intake (R4.1)"
    )
    source_name: str = Field("", max_length=100)
    source_reference: str = Field("", max_length=64)
    source_due_at: dt.datetime | None = None
    backdate_reason: str = Field(
        "", max_length=500, description="staff: why received_at is more than an hour before the recording"
    )


class CreatedOut(Schema):
    number: str
    tracking_code: str
    status: Status


# --- lists ------------------------------------------------------------------------------------------------------


class TicketQuery(In):
    list: ListName | None = Field(
        None,
        description="default: dispatch (Office), inbox (unit members), all "
        "(leaders, inspectors), mine (everyone else)",
    )
    status: Status | None = None
    channel: Channel | None = None
    type: TicketType | None = None
    clock: ClockState | None = None
    q: str = Field("", max_length=100, description="number prefix or words of the subject")
    unit: str | None = Field(None, description="lead unit code")
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10000, description="at most 10000: narrow the filters to go further")


class TicketRow(Schema):
    number: str
    subject: str
    type: str
    channel: str
    status: str
    status_label: str
    urgent: bool
    level: str
    round: int
    received_at: dt.datetime
    campus: str
    lead_unit: str | None
    requester_name: str
    next_due_at: dt.datetime | None
    next_clock: str
    clock_state: str = Field(description="ok, due_soon, overdue, or empty when no clock runs (R4.8)")


class TicketPage(Schema):
    list: ListName
    count: int
    limit: int
    offset: int
    items: builtins.list[TicketRow]


# --- detail -----------------------------------------------------------------------------------------------------


class UnitRef(Schema):
    code: str
    name: str


class ContactOut(Schema):
    name: str
    kind: str
    phone: str
    email: str
    masked: bool = Field(description="R10.2: true when phone and email are masked for this caller")
    revealable: bool = Field(
        default=False,
        description="R10.2: the caller may reveal the full contact with POST contact/reveal (audited)",
    )


class ClockOut(Schema):
    kind: str
    round: int
    started_at: dt.datetime
    due_at: dt.datetime
    met_at: dt.datetime | None
    on_time: bool | None
    provisional: bool
    rule: str
    status: Literal["met", "ok", "due_soon", "overdue", "superseded"]
    superseded_at: dt.datetime | None = Field(None, description="R4.9: replaced by a recomputation")
    missed: bool = Field(False, description="R4.8: passed unmet (a breach is recorded)")
    carries_miss: bool = Field(False, description="R4.2: replaces a missed deadline, so meeting it is late")


class EventOut(Schema):
    at: dt.datetime
    action: str
    actor: str | None
    from_status: str
    to_status: str
    reason: str
    before: dict[str, object] | None
    after: dict[str, object] | None


class ReplyOut(Schema):
    id: int
    stage: str
    kind: str
    state: str
    round: int
    body: str
    suggestion: str
    planned_date: dt.date | None
    sent_at: dt.datetime | None
    drafted_by: str | None = None
    drafted_at: dt.datetime | None = None
    review_comment: str | None = None
    third_party_flag: bool | None = None


class NoteOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    author: str
    party: str
    body: str
    answered: bool = Field(
        False, description="an escalation with its instruction; an instruction the unit acted on (R6.3)"
    )
    responds_to: int | None = Field(None, description="the instruction an instruction_done record answers")


class CohandlingOut(Schema):
    id: int
    unit: UnitRef
    request: str
    requested_at: dt.datetime
    due_at: dt.datetime
    rule: str
    answer: str
    finished: bool | None
    reason: str = Field("", description="R3.3: why a progress report could not give the result")
    origin: int | None = Field(None, description="R3.3: the request as first asked, for a continuation")
    answered_at: dt.datetime | None
    on_time: bool | None


class RedispatchOut(Schema):
    id: int
    from_unit: UnitRef
    suggested_unit: UnitRef | None
    reason: str
    requested_at: dt.datetime
    decision: str
    decision_note: str
    new_unit: UnitRef | None


class FollowupOut(Schema):
    """R7.1: one round's follow-up result (by call or online rating)."""

    round: int
    outcome: str
    resolved: bool
    channel: str
    comment: str
    explained_accepted: bool = Field(False, description="R6.2: the requester accepted the explanation")
    recorded_at: dt.datetime


class FollowupAttemptOut(Schema):
    round: int
    at: dt.datetime
    result: str
    note: str


class TicketDetail(Schema):
    number: str
    subject: str
    content: str
    type: str
    channel: str
    status: str
    status_label: str
    urgent: bool
    urgent_reason: str | None = Field(
        None, description="R1.5: why it was marked urgent — for the people handling it only (null otherwise)"
    )
    campus: str
    lead_unit: UnitRef | None
    cohandling_units: list[UnitRef]
    level: str
    round: int
    planned_reply_date: dt.date | None
    received_at: dt.datetime
    closed_at: dt.datetime | None
    anonymous: bool
    repeat_of: str | None
    source_name: str
    source_reference: str
    source_due_at: dt.datetime | None = Field(None, description="R2.6: the referring body's own deadline")
    contact: ContactOut
    history_scope: Literal["public", "full"]
    allowed_actions: list[str]
    clocks: list[ClockOut]
    history: list[EventOut]
    replies: list[ReplyOut]
    notes: list[NoteOut]
    cohandling: list[CohandlingOut]
    redispatch_requests: list[RedispatchOut]
    followups: list[FollowupOut] = Field(default_factory=list, description="R7: per round (handlers only)")
    followup_attempts: list[FollowupAttemptOut] = Field(
        default_factory=list, description="R7.1 (handlers only)"
    )


# --- actions ----------------------------------------------------------------------------------------------------


class ActionOut(Schema):
    number: str
    status: str
    status_label: str
    id: int | None = Field(None, description="the note, reply or request the action created or decided")


class DispatchIn(In):
    lead_unit: str
    cohandling_units: list[str] = Field(default_factory=list)
    note: str = ""


class LevelIn(In):
    level: Level
    reason: str = ""


class BodyIn(In):
    body: str = Field(max_length=5000)


class CohandlingIn(In):
    unit: str
    request: str = Field(max_length=5000)


class CohandlingAnswerIn(In):
    answer: str = Field("", max_length=5000, description="the written result (or the stage reached)")
    finished: bool = True
    reason: str = Field("", max_length=2000, description="not finished: why (R3.3)")
    stage: str = Field("", max_length=5000, description="not finished: the progress so far (R3.3)")


class InitialReplyIn(In):
    body: str = Field(max_length=5000)
    planned_date: dt.date


class PlannedDateIn(In):
    planned_date: dt.date
    reason: str = Field(max_length=2000)


class EscalateIn(In):
    leader: str = Field(description="the leader's username")
    body: str = Field(max_length=5000)


class ThirdPartyIn(In):
    party: str = Field(max_length=100)
    body: str = Field(max_length=5000)


class ReplyIn(In):
    body: str = Field(max_length=5000)
    kind: ReplyKind = ReplyKind.ANSWER
    suggestion: str = Field("", max_length=2000)
    repeat_of: str | None = Field(None, description="number of the original request (kind repeat, R6.1)")


class ApproveIn(In):
    comment: str = ""


class RewordIn(In):
    """R6.5: the flagged draft reworded after the unit contacted the third party itself."""

    body: str = Field(max_length=5000)
    suggestion: str | None = Field(None, max_length=2000, description="default: the draft's suggestion")


class ReportBackIn(In):
    """R2.6: what was reported to the referring body, and when (default now)."""

    text: str = Field(max_length=5000)
    at: dt.datetime | None = Field(None, description="no offset means Asia/Shanghai; default now")


class UnreachableDecisionIn(In):
    reason: str = Field("", max_length=2000)


class CommentIn(In):
    comment: str = Field(max_length=2000)


class RedispatchIn(In):
    reason: str = Field(max_length=2000)
    suggested_unit: str | None = None


class RedispatchDecideIn(In):
    approve: bool
    new_unit: str | None = None
    note: str = ""


class ContactRevealOut(Schema):
    phone: str
    email: str


# --- follow-up (R4.6, R7) ---------------------------------------------------------------------------------------


class FollowupAttemptIn(In):
    result: FollowupAttempt.Result
    note: str = Field("", max_length=500)


class FollowupIn(In):
    outcome: FollowupOutcome
    resolved: bool = Field(False, description="ignored for unreachable (always false)")
    comment: str = Field("", max_length=2000)
    accepts_explanation: bool = Field(
        False, description="R6.2: the requester accepts an out-of-remit / unsolvable reply as explained"
    )


class CloseUnsatisfiedIn(In):
    reason: str = Field(max_length=2000)


class RatingIn(In):
    """R7.1: the requester's online rating; "unreachable" is a call result, not a rating."""

    outcome: Literal["satisfied", "basically_satisfied", "dissatisfied"]
    resolved: bool
    comment: str = Field("", max_length=2000)
    accepts_explanation: bool = False


class RatingOut(Schema):
    number: str
    outcome: str
    resolved: bool
    closed: bool = Field(
        description="true: closed (销账, or as explained, R6.2); false: reopened for a new round (R7.2)"
    )


# --- public tracking --------------------------------------------------------------------------------------------


class TrackReply(Schema):
    stage: str
    body: str
    suggestion: str
    planned_date: dt.date | None
    sent_at: dt.datetime | None


class TrackOut(Schema):
    number: str
    status: str
    status_label: str
    replies: list[TrackReply]
