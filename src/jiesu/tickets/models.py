"""Tickets (rules §1, §2, §4, §6, §10): the request, its clocks, its history and its handling records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Campus, RequesterKind, Unit
from jiesu.tickets.states import Status


class TicketType(models.TextChoices):
    """R1.1."""

    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Help")
    COMPLAINT = "complaint", _("Complaint")
    OPINION = "opinion", _("Opinion")
    SUGGESTION = "suggestion", _("Suggestion")


class Channel(models.TextChoices):
    """Rules §2. Direct channels make the receiving unit the lead unit; the others go through the Office."""

    HOTLINE = "hotline", _("Unit hotline")
    WALK_IN = "walk_in", _("Walk-in")
    DUTY_ROOM = "duty_room", _("Duty room")
    MAILBOX = "mailbox", _("Secretary's and president's mailbox")
    RECEPTION_DAY = "reception_day", _("Leaders' reception day")
    SYMPOSIUM = "symposium", _("Symposium")
    PETITION = "petition", _("Petition")
    REFERRAL = "referral", _("Referral (12345, higher authorities)")
    WEB = "web", _("Web self-service")


DIRECT_CHANNELS = frozenset({Channel.HOTLINE, Channel.WALK_IN})


class Level(models.TextChoices):
    """R4.2 handling level."""

    DIRECT = "direct", _("Can be solved directly (1 working day)")
    DEPARTMENT = "department", _("Needs the unit's study (2 working days to initial reply)")
    SCHOOL = "school", _("Needs school-level study (3 working days to initial reply)")


class ReplyKind(models.TextChoices):
    """What the formal reply does (R6.1, R6.2)."""

    ANSWER = "answer", _("Answer")
    REPEAT = "repeat", _("Repeat request: progress of the original")
    OUT_OF_REMIT = "out_of_remit", _("Out of remit")
    UNSOLVABLE = "unsolvable", _("Objectively not solvable now")


class TicketsAreNeverDeleted(ProtectedError):
    """R10.4: a ticket carries append-only history and breaches; it is closed, never deleted."""

    def __init__(self) -> None:
        super().__init__(
            "tickets are never deleted: their history and missed deadlines are append-only (R10.4); "
            "close the ticket instead",
            set(),
        )


class TicketQuerySet(models.QuerySet["Ticket"]):
    def delete(self) -> tuple[int, dict[str, int]]:
        raise TicketsAreNeverDeleted


class Ticket(models.Model):
    number = models.CharField(_("Number"), max_length=20, unique=True)
    tracking_code_hash = models.CharField(max_length=64)
    type = models.CharField(_("Type"), max_length=16, choices=TicketType.choices)
    channel = models.CharField(_("Channel"), max_length=16, choices=Channel.choices)
    campus = models.ForeignKey(Campus, verbose_name=_("Campus"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("Subject"), max_length=120)
    content = models.TextField(_("Content"))  # R1.2: never edited; corrections are amendments
    urgent = models.BooleanField(_("Urgent"), default=False)
    urgent_reason = models.CharField(_("Urgent reason"), max_length=200, blank=True)

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Requester"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        db_index=False,  # ticket_requester_received leads with it; one index less to write per intake
    )
    requester_name = models.CharField(_("Requester name"), max_length=64, blank=True)
    requester_kind = models.CharField(_("Requester kind"), max_length=16, choices=RequesterKind.choices)
    contact_phone = models.CharField(_("Phone"), max_length=32, blank=True)
    contact_email = models.EmailField(_("Email"), blank=True)
    anonymous = models.BooleanField(_("Anonymous"), default=False)  # R1.3: mailbox only

    received_at = models.DateTimeField(_("Received at"))
    # R4.0 受理: when the lead unit has the ticket — the receipt for direct channels, the first dispatch for
    # Office channels (a re-dispatch does not move it). The unit's response and reply clocks count from it.
    accepted_at = models.DateTimeField(_("Accepted at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiving_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("Lead unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tickets",
        db_index=False,  # ticket_unit_due / ticket_unit_received lead with it
    )
    level = models.CharField(_("Level"), max_length=16, choices=Level.choices, blank=True)
    status = models.CharField(_("Status"), max_length=24, choices=Status.choices, default=Status.NEW)
    round = models.PositiveSmallIntegerField(_("Round"), default=1)  # R7.2 reopen counter
    planned_reply_date = models.DateField(_("Planned formal reply date"), null=True, blank=True)

    # R2.6 referral source.
    source_name = models.CharField(_("Referral source"), max_length=100, blank=True)
    source_reference = models.CharField(_("Source reference number"), max_length=64, blank=True)
    source_due_at = models.DateTimeField(_("Source's own deadline"), null=True, blank=True)

    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("Repeat of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="repeats",
    )
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)

    # R4.8: the nearest unmet clock, denormalized for worklists (kept by the services in the same transaction).
    next_due_at = models.DateTimeField(null=True, blank=True)
    next_soon_at = models.DateTimeField(null=True, blank=True)
    next_clock = models.CharField(max_length=16, blank=True)
    overdue_count = models.PositiveSmallIntegerField(default=0)  # clocks met late or breached
    search_text = models.TextField(blank=True)  # rjieba tokens, for repeat candidates (R6.1)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        verbose_name = _("Ticket")
        verbose_name_plural = _("Tickets")
        indexes = [
            models.Index(fields=["lead_unit", "next_due_at"], name="ticket_unit_due"),
            models.Index(fields=["status", "received_at"], name="ticket_status_received"),
            models.Index(fields=["requester", "received_at"], name="ticket_requester_received"),
            models.Index(fields=["received_at"], name="ticket_received"),
            models.Index(fields=["lead_unit", "received_at"], name="ticket_unit_received"),
            # The unit inbox's first page scans only the unit's open tickets (R4.8 worklists at 1 M rows).
            models.Index(
                fields=["lead_unit", "next_due_at", "id"],
                name="ticket_unit_open_due",
                condition=Q(status__in=["new", "dispatched", "handling", "pending_approval"]),
            ),
            models.Index(
                fields=["next_due_at"],
                name="ticket_open_due",
                condition=Q(next_due_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(channel="mailbox"), name="ticket_anonymous_mailbox"
            ),
            models.CheckConstraint(
                condition=Q(urgent=False) | ~Q(urgent_reason=""), name="ticket_urgent_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise TicketsAreNeverDeleted


class ClockKind(models.TextChoices):
    """R4.1–R4.7. Co-handling clocks live on their requests."""

    RESPONSE = "response", _("Response")
    DISPATCH = "dispatch", _("Dispatch")
    MAILBOX = "mailbox", _("Mailbox triage")
    INITIAL_REPLY = "initial_reply", _("Initial reply")
    REPLY = "reply", _("Formal reply")
    FOLLOWUP = "followup", _("Follow-up")
    SOURCE = "source", _("Referral source's deadline")  # R2.6: the deadline the referring body gave
    REPORT_BACK = "report_back", _("Report back to the referral source")  # R2.6: 日清日结


class ClockQuerySet(models.QuerySet["Clock"]):
    """R4.9: clocks are never deleted; a replaced one ends as superseded."""

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("clocks are never deleted: a replaced clock ends as superseded (R4.9)")

    def live(self) -> ClockQuerySet:
        """Clocks not replaced by a recomputation (R4.9): the ones that can still be met, due or breached."""
        return self.filter(superseded_at__isnull=True)


class Clock(models.Model):
    """One deadline of a ticket (R4.8): stored due instant, met instant and on-time flag.

    R4.9: a recomputation (level change, planned-date move, calendar change, re-dispatch) never rewrites a clock:
    it ends the old one as superseded (``superseded_at``) and starts a new one. A superseded clock is not open
    (no sweep, no worklist, no next deadline); if it had passed unmet it stays breached and counted."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(max_length=16, choices=ClockKind.choices)
    round = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    soon_at = models.DateTimeField()  # R4.8: from here the clock is due soon
    met_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True)
    provisional = models.BooleanField(default=False)  # R5.3
    rule = models.CharField(max_length=200)  # the rule id and words, shown beside the deadline
    breached_at = models.DateTimeField(null=True, blank=True)  # R4.8: recorded once by the sweep (Breach)
    soon_notified_at = models.DateTimeField(null=True, blank=True)  # "due soon" told once by the sweep
    superseded_at = models.DateTimeField(null=True, blank=True)  # R4.9: replaced by a recomputation
    # R4.2 / R4.9: this clock replaced one that had already passed unmet: meeting it cannot be on time.
    carries_miss = models.BooleanField(default=False)

    objects = ClockQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind", "round"],
                condition=Q(superseded_at__isnull=True),
                name="clock_live_per_round",
            )
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="clock_open_due",
                condition=Q(met_at__isnull=True, superseded_at__isnull=True),
            ),
            # The sweep reads only clocks that newly became due soon / overdue: its cost follows their number,
            # not the number of open tickets.
            models.Index(
                fields=["due_at"],
                name="clock_breach_pending",
                condition=Q(met_at__isnull=True, breached_at__isnull=True, superseded_at__isnull=True),
            ),
            models.Index(
                fields=["soon_at"],
                name="clock_soon_pending",
                condition=Q(met_at__isnull=True, soon_notified_at__isnull=True, superseded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}:{self.kind}#{self.round}"

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("clocks are never deleted: a replaced clock ends as superseded (R4.9)")


class TicketSequence(models.Model):
    """Per-day counter for human-friendly ticket numbers (YYYYMMDD-NNNNNN)."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class EventQuerySet(models.QuerySet["Event"]):
    """R10.4: bulk updates and deletes are refused like single-row ones."""

    def update(self, **kwargs: object) -> int:
        raise RuntimeError("ticket history is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("ticket history is append-only")


class Event(models.Model):
    """R10.4: the append-only history. Written in the same transaction as each change; never updated."""

    # event_ticket_at (ticket, at) serves lookups by ticket: no separate index to write.
    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    public = models.BooleanField(default=False)  # shown to the requester in their timeline

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at"], name="event_ticket_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("ticket history is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("ticket history is append-only")


class CohandlingRequest(models.Model):
    """R3.3 / R4.4: the lead unit asks a named unit for specific help."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="cohandling")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="cohandling_requests")
    request = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    soon_at = models.DateTimeField()
    rule = models.CharField(max_length=200)
    provisional = models.BooleanField(default=False)
    answer = models.TextField(blank=True)  # the written result, or the stage reached (a progress report)
    finished = models.BooleanField(null=True)  # False: reason + progress given instead of a result
    reason = models.TextField(blank=True)  # R3.3: why it could not be finished (progress reports)
    # R3.3: a progress report keeps the request open as a continuation with its own 1-working-day clock; every
    # continuation points at the request as first asked.
    origin = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="continuations"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(null=True)
    breached_at = models.DateTimeField(null=True, blank=True)  # R4.4 breach, recorded once by the sweep
    soon_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["unit", "due_at"], name="cohandling_unit_due", condition=Q(answered_at__isnull=True)
            ),
            models.Index(
                fields=["due_at"],
                name="cohandling_breach_pending",
                condition=Q(answered_at__isnull=True, breached_at__isnull=True),
            ),
            models.Index(
                fields=["soon_at"],
                name="cohandling_soon_pending",
                condition=Q(answered_at__isnull=True, soon_notified_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.unit_id}"


class Reply(models.Model):
    """Initial and formal replies (Art. 9). A formal reply goes draft → approved by the head → sent (R4.3)."""

    class Stage(models.TextChoices):
        INITIAL = "initial", _("Initial reply")
        FORMAL = "formal", _("Formal reply")

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        RETURNED = "returned", _("Returned")
        SENT = "sent", _("Sent")
        REPLACED = "replaced", _("Replaced by a reworded draft")  # R6.5: reworded by the unit

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="replies")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    kind = models.CharField(max_length=16, choices=ReplyKind.choices, default=ReplyKind.ANSWER)
    round = models.PositiveSmallIntegerField(default=1)
    body = models.TextField()
    suggestion = models.TextField(blank=True)  # R6.2: required for out of remit / unsolvable
    planned_date = models.DateField(null=True, blank=True)  # initial replies name the formal reply date
    state = models.CharField(max_length=8, choices=State.choices)
    third_party_flag = models.BooleanField(default=False)  # R6.5 flagged wording
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["drafted_at", "id"]
        constraints = [
            # Two heads approving at once can never produce two sent formal replies in one round.
            models.UniqueConstraint(
                fields=["ticket", "round"],
                condition=Q(stage="formal", state="sent"),
                name="reply_one_formal_sent_per_round",
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(stage="formal", state="pending"),
                name="reply_one_pending_formal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.stage} #{self.round} ({self.state})"


class Note(models.Model):
    """Handling records that are not replies: contact logs, third parties, amendments, escalations (R6.3, R6.5)."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact with the requester")
        THIRD_PARTY = "third_party", _("Third party contacted")
        AMENDMENT = "amendment", _("Amendment")
        ESCALATION = "escalation", _("Request for an instruction")
        INSTRUCTION = "instruction", _("Leader's instruction")
        INSTRUCTION_RESPONSE = "instruction_done", _("Action on the leader's instruction")  # R6.3
        REPORT_BACK = "report_back", _("Result reported back to the referral source")  # R2.6

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    body = models.TextField()
    party = models.CharField(max_length=100, blank=True)  # third party's name, or the leader asked
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An escalation once the leader's instruction arrives; an instruction once the unit recorded its action.
    answered = models.BooleanField(default=False)
    responds_to = models.ForeignKey(  # R6.3: the instruction an "instruction_done" record answers
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="responses"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(
                fields=["leader", "answered"], name="note_leader_open", condition=Q(kind="escalation")
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"


class RedispatchRequest(models.Model):
    """R3.2: the lead unit asks the Office to re-dispatch, with a written reason; both outcomes are counted."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="redispatch_requests")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    suggested_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    new_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(decision="pending"), name="redispatch_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} re-dispatch ({self.decision})"


class TicketCohandlingUnit(models.Model):
    """Units named as co-handlers at dispatch or later; they see the ticket (R10.3)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="cohandling_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "unit"], name="cohandling_unit_unique")]
        indexes = [models.Index(fields=["unit", "ticket"], name="cohandling_unit_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id} co-handled by {self.unit_id}"


class Attachment(models.Model):
    """R1.2: stored outside the web root, served only through a permission check; type sniffed from bytes."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class BreachQuerySet(models.QuerySet["Breach"]):
    """R4.9 / R10.4: a recorded miss is never changed or erased (the database refuses it too)."""

    def update(self, **kwargs: object) -> int:
        raise RuntimeError("breaches are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("breaches are append-only")


class Breach(models.Model):
    """R4.8: a clock (or a co-handling request, R4.4) that passed its due instant unmet — recorded exactly once.
    R4.9: never updated or deleted (triggers refuse it, migration 0010)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="breaches")
    clock = models.OneToOneField(
        Clock, null=True, blank=True, on_delete=models.PROTECT, related_name="breach"
    )
    cohandling = models.OneToOneField(
        CohandlingRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="breach"
    )
    kind = models.CharField(max_length=16)  # a ClockKind value, or "cohandling"
    round = models.PositiveSmallIntegerField(default=1)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    recorded_at = models.DateTimeField()

    objects = BreachQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(clock__isnull=False, cohandling__isnull=True)
                | Q(clock__isnull=True, cohandling__isnull=False),
                name="breach_one_subject",
            )
        ]
        indexes = [models.Index(fields=["recorded_at"], name="breach_recorded")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} breached {self.due_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("breaches are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("breaches are append-only")


class FollowupOutcome(models.TextChoices):
    """R7.1."""

    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    UNREACHABLE = "unreachable", _("Unreachable")


class Followup(models.Model):
    """R4.6 / R7: the result of one round's follow-up — by the unit's call or the requester's online rating."""

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone call")
        ONLINE = "online", _("Online rating")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followups")
    round = models.PositiveSmallIntegerField()
    outcome = models.CharField(_("Outcome"), max_length=24, choices=FollowupOutcome.choices)
    resolved = models.BooleanField(_("Resolved"))
    channel = models.CharField(max_length=8, choices=Channel.choices)
    comment = models.TextField(blank=True)
    # R6.2: the requester accepted an out-of-remit / objectively constrained reply as explained.
    explained_accepted = models.BooleanField(_("Explanation accepted"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["round"]
        constraints = [models.UniqueConstraint(fields=["ticket", "round"], name="followup_one_per_round")]

    def __str__(self) -> str:
        return f"{self.ticket_id} round {self.round}: {self.outcome}"


class FollowupAttempt(models.Model):
    """R7.1: one recorded call attempt (time, result, note); three unanswered ones allow "unreachable"."""

    class Result(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        BUSY = "busy", _("Line busy")
        SWITCHED_OFF = "switched_off", _("Phone switched off")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followup_attempts")
    round = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    result = models.CharField(max_length=16, choices=Result.choices)
    note = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "round"], name="followup_attempt_round")]

    def __str__(self) -> str:
        return f"{self.ticket_id} round {self.round} attempt: {self.result}"


class UnreachableReview(models.Model):
    """R7.3: a requester unreachable after 3 attempts on at least 2 different days, passed to the Office, which
    closes the ticket as unreachable or orders another round of calls (attempts before that no longer count)."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting the Office")
        CLOSED = "closed", _("Closed as unreachable")
        RETRY = "retry", _("Another round of calls ordered")

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="unreachable_reviews")
    round = models.PositiveSmallIntegerField()
    attempts = models.PositiveSmallIntegerField()  # unanswered attempts that justified it
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField()
    comment = models.TextField(blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["referred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(decision="pending"), name="unreachable_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} unreachable ({self.decision})"


class RatingLink(models.Model):
    """R7.1: the rating link of one round's follow-up, issued when the formal reply is sent.

    The link carries a random nonce (signed and timestamped with the site's key); only its SHA-256 is kept, so
    neither a leaked key nor a database read lets anyone rate. Valid with the nonce only, once (``used_at``),
    for ``RATING_LINK_DAYS`` (the signature's age)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="rating_links", db_index=False)
    round = models.PositiveSmallIntegerField()
    nonce_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "round"], name="rating_link_one_per_round")]

    def __str__(self) -> str:
        return f"{self.ticket_id} round {self.round}"
