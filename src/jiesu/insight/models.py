"""The dispatch model's versions and what it suggested for each dispatched ticket (R9.5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jiesu.appendonly import AppendOnly


class DispatchModel(models.Model):
    """One trained version of the dispatch suggestion; the newest row is the one in use. Rows are never changed."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly")
        ON_DEMAND = "on_demand", _("On demand")
        COMMAND = "command", _("Command line")

    trained_at = models.DateTimeField(_("Trained at"))
    tickets = models.PositiveIntegerField(_("Closed tickets in the training set"))
    remit_documents = models.PositiveIntegerField(_("Remit documents in the training set"))
    newest_ticket_at = models.DateTimeField(_("Newest training ticket"), null=True, blank=True)
    units = models.JSONField(_("Units"), default=list)
    seconds = models.FloatField(_("Training time (s)"))
    trigger = models.CharField(_("Trigger"), max_length=16, choices=Trigger.choices)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Trained by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    payload = models.BinaryField(_("Model (joblib)"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("Dispatch model")
        verbose_name_plural = _("Dispatch models")

    def __str__(self) -> str:
        return f"v{self.pk}"


class DispatchSuggestion(models.Model):
    """What was suggested for a ticket and which lead unit the Office chose, written with the dispatch."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        verbose_name=_("Ticket"),
        on_delete=models.CASCADE,
        related_name="dispatch_suggestion",
    )
    model = models.ForeignKey(
        DispatchModel,
        verbose_name=_("Model version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty: the built-in cold-start model (no version trained yet)"),
    )
    suggested = models.JSONField(_("Suggested units"), default=list)  # [{"unit": name, "confidence": p}]
    suggested_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("First suggestion"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    chosen_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("Chosen lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    accepted = models.BooleanField(_("First suggestion chosen"))
    in_top3 = models.BooleanField(_("Chosen unit among the suggestions"))
    dispatched_at = models.DateTimeField(_("Dispatched at"), db_index=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Dispatched by"), null=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("Dispatch suggestion")
        verbose_name_plural = _("Dispatch suggestions")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.chosen_unit_id}"


class HotTopic(models.Model):
    """R9.1: a cluster of similar tickets found hot, kept so the Office is alerted once per topic.

    Each hourly run matches its clusters to these rows by shared tickets: a match refreshes the row (label,
    tickets, last seen), a new cluster creates one and alerts the Office."""

    label = models.CharField(_("Label"), max_length=200)
    terms = models.JSONField(_("Telling terms"), default=list)
    since = models.DateTimeField(_("First ticket received"))
    first_seen = models.DateTimeField(_("Found at"))
    last_seen = models.DateTimeField(_("Last seen hot"), db_index=True)
    requesters = models.PositiveIntegerField(_("Requesters"))
    baseline = models.FloatField(_("Weekly baseline (previous 4 weeks)"), default=0)
    reason = models.CharField(_("Why hot"), max_length=200, blank=True)
    alerted_at = models.DateTimeField(_("Office alerted at"), null=True, blank=True)
    tickets = models.ManyToManyField("tickets.Ticket", verbose_name=_("Tickets"), related_name="hot_topics")

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("Hot topic")
        verbose_name_plural = _("Hot topics")

    def __str__(self) -> str:
        return self.label


class TaskForce(models.Model):
    """R6.4 (Art. 9.6, 13): a task force 专班 on a hot issue, led by a unit head, with tickets linked to it.

    Its state changes only through ``insight.taskforces``; every change is a ``TaskForceEvent`` row."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("task force", "Open")
        CLOSED = "closed", pgettext_lazy("task force", "Closed")

    name = models.CharField(_("Name"), max_length=200)
    hot_topic = models.ForeignKey(
        HotTopic,
        verbose_name=_("Hot topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task_forces",
    )
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("Lead unit"), on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Led by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("Status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("Opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Opened by"), on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("Closed at"), null=True, blank=True)
    root_cause_measure = models.TextField(_("Root-cause measure"), blank=True)
    tickets = models.ManyToManyField(
        "tickets.Ticket", verbose_name=_("Tickets"), through="TaskForceTicket", related_name="task_forces"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("Task force")
        verbose_name_plural = _("Task forces")

    def __str__(self) -> str:
        return self.name


class TaskForceTicket(models.Model):
    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="links")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField(_("Linked at"))
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task_force", "ticket"], name="taskforce_ticket_once")]

    def __str__(self) -> str:
        return f"{self.task_force_id}: {self.ticket_id}"


class TaskForceEvent(AppendOnly):
    """The task force's append-only log: opened, tickets linked, meetings, actions, closed."""

    class Kind(models.TextChoices):
        OPENED = "opened", pgettext_lazy("task force", "Opened")
        LINKED = "linked", _("Ticket linked")
        MEETING = "meeting", _("Meeting")
        ACTION = "action", _("Action")
        CLOSED = "closed", pgettext_lazy("task force event", "Closed")

    task_force = models.ForeignKey(TaskForce, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("Kind"), max_length=8, choices=Kind.choices)
    at = models.DateTimeField(_("At"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("By"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("Text"), blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("Ticket"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Task force event")
        verbose_name_plural = _("Task force events")

    def __str__(self) -> str:
        return f"{self.task_force_id} {self.kind}"


class SpecialStudy(models.Model):
    """R9.3: a long-running ticket on the special-study list (专题研究), with an owner, a plan and a review date.

    Its state changes only through ``insight.longrunning``; every change is a ``SpecialStudyEvent`` row."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("special study", "Under study")
        CONCLUDED = "concluded", pgettext_lazy("special study", "Concluded")

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("Ticket"), on_delete=models.PROTECT, related_name="special_study"
    )
    reasons = models.JSONField(_("Why it is long-running"), default=list)  # keys of longrunning.REASONS
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Owner"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.TextField(_("Plan"))
    review_date = models.DateField(_("Review date"))
    status = models.CharField(_("Status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("Opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Opened by"), on_delete=models.PROTECT, related_name="+"
    )
    concluded_at = models.DateTimeField(_("Concluded at"), null=True, blank=True)
    conclusion = models.TextField(_("Conclusion"), blank=True)
    # The review date whose coming the owner was reminded of by the sweep (once per review date).
    review_told_on = models.DateField(_("Review reminder sent for"), null=True, blank=True)

    class Meta:
        ordering = ["review_date", "id"]
        indexes = [models.Index(fields=["status", "review_date"], name="study_status_review")]
        verbose_name = _("Special study")
        verbose_name_plural = _("Special studies")

    def __str__(self) -> str:
        return f"{self.ticket_id}"


class SpecialStudyEvent(AppendOnly):
    """The special study's append-only log: opened, plan revised at a review, concluded."""

    class Kind(models.TextChoices):
        OPENED = "opened", pgettext_lazy("special study", "Taken onto the list")
        REVIEWED = "reviewed", pgettext_lazy("special study", "Reviewed")
        CONCLUDED = "concluded", pgettext_lazy("special study event", "Concluded")
        REVIEW_DUE = "review_due", pgettext_lazy("special study event", "Review date reached, owner reminded")

    study = models.ForeignKey(SpecialStudy, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("At"))
    actor = models.ForeignKey(  # None: the system (the sweep's review reminder)
        settings.AUTH_USER_MODEL,
        verbose_name=_("By"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("Text"), blank=True)
    review_date = models.DateField(_("Review date"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Special study event")
        verbose_name_plural = _("Special study events")

    def __str__(self) -> str:
        return f"{self.study_id} {self.kind}"


class FrequentTopic(models.Model):
    """R9.2: a high-frequency issue — a topic among one unit's tickets of one semester, by volume.

    Derived data, recomputed by ``insight.frequency.frequent_topics_record`` (nightly for the current semester,
    on demand for any other): the topics come from the hot-topic clustering (``insight.hot.clusters``) over the
    semester's tickets; each row holds the unit's tickets of one cluster. A recomputation matches its topics to
    these rows by shared tickets, so root-cause measures stay on their topic; a row with no measure that is no
    longer found is dropped."""

    semester = models.CharField(_("Semester"), max_length=16)  # workcalendar.semesters.Semester.key
    unit = models.ForeignKey("org.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("Label"), max_length=200)
    terms = models.JSONField(_("Telling terms"), default=list)
    requesters = models.PositiveIntegerField(_("Requesters"))
    previous = models.PositiveIntegerField(_("Similar requests in the previous semester"), default=0)
    following = models.PositiveIntegerField(
        _("Similar requests in the following semester"),
        null=True,
        blank=True,
        help_text=_("Empty until the following semester has been analysed"),
    )
    computed_at = models.DateTimeField(_("Computed at"))
    tickets = models.ManyToManyField("tickets.Ticket", verbose_name=_("Tickets"), related_name="+")

    class Meta:
        ordering = ["semester", "unit", "id"]
        indexes = [models.Index(fields=["semester", "unit"], name="frequent_topic_semester_unit")]
        verbose_name = _("High-frequency issue")
        verbose_name_plural = _("High-frequency issues")

    def __str__(self) -> str:
        return f"{self.semester} {self.unit_id}: {self.label}"


class RootCauseMeasure(models.Model):
    """R9.2 (源头治理): what a unit (or the Office) does about the cause of a high-frequency issue.

    Changes only through ``insight.frequency_measures``; every change is a ``RootCauseEvent`` row."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", pgettext_lazy("root-cause measure", "In progress")
        DONE = "done", pgettext_lazy("root-cause measure", "Carried out")
        EVALUATED = "evaluated", pgettext_lazy("root-cause measure", "Evaluated")

    topic = models.ForeignKey(
        FrequentTopic,
        verbose_name=_("High-frequency issue"),
        on_delete=models.PROTECT,
        related_name="measures",
    )
    cause = models.TextField(_("Cause found"))
    measure = models.TextField(_("Measure taken"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Owner"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("Due date"))
    status = models.CharField(_("Status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    recorded_at = models.DateTimeField(_("Recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    effective = models.BooleanField(_("Volume dropped"), null=True, blank=True)
    evaluation = models.TextField(_("Evaluation"), blank=True)
    evaluated_at = models.DateTimeField(_("Evaluated at"), null=True, blank=True)
    # Set by the sweep when the due date passed with the measure still in progress: its owner and the unit's
    # head were told (once).
    overdue_told_at = models.DateTimeField(_("Overdue reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        indexes = [  # the minute sweep's probe for measures to remind (frequency_measures.measures_remind_overdue)
            models.Index(
                fields=["due_date"],
                name="root_cause_remind",
                condition=models.Q(status="in_progress", overdue_told_at__isnull=True),
            )
        ]
        verbose_name = _("Root-cause measure")
        verbose_name_plural = _("Root-cause measures")

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.measure[:30]}"


class RootCauseEvent(AppendOnly):
    """The root-cause measure's append-only log: recorded, progress, carried out, evaluated."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", pgettext_lazy("root-cause measure", "Recorded")
        PROGRESS = "progress", pgettext_lazy("root-cause measure", "Progress")
        DONE = "done", pgettext_lazy("root-cause measure event", "Carried out")
        EVALUATED = "evaluated", pgettext_lazy("root-cause measure event", "Evaluated")
        OVERDUE = "overdue", pgettext_lazy("root-cause measure event", "Past its due date, owner reminded")

    measure = models.ForeignKey(RootCauseMeasure, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("At"))
    actor = models.ForeignKey(  # None: the system (the sweep's overdue reminder)
        settings.AUTH_USER_MODEL,
        verbose_name=_("By"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("Text"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Root-cause measure event")
        verbose_name_plural = _("Root-cause measure events")

    def __str__(self) -> str:
        return f"{self.measure_id} {self.kind}"


class SeasonalModel(models.Model):
    """R9.4: one computation of the seasonal expectations; the newest row is the one pages read. Never changed.

    ``years`` are the academic years it learned from (``insight.seasonal``); ``tickets`` the requests counted."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly")
        ON_DEMAND = "on_demand", _("On demand")
        COMMAND = "command", _("Command line")

    computed_at = models.DateTimeField(_("Computed at"))
    tickets = models.PositiveIntegerField(_("Requests in the learning set"))
    first_day = models.DateField(_("First day learned from"), null=True, blank=True)
    last_day = models.DateField(_("Last day learned from"), null=True, blank=True)
    years = models.JSONField(_("Academic years"), default=list)
    topics = models.PositiveIntegerField(_("Topics"), default=0)
    seconds = models.FloatField(_("Computing time (s)"))
    trigger = models.CharField(_("Trigger"), max_length=16, choices=Trigger.choices)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Computed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("Seasonal model")
        verbose_name_plural = _("Seasonal models")

    def __str__(self) -> str:
        return f"v{self.pk}"


class SeasonalTopic(models.Model):
    """R9.4: a unit's topic in one computation: its expected requests in each week of the academic year (52
    numbers), the counts of each past year (``actual``: {year: [count or null]}) and its peak weeks."""

    model = models.ForeignKey(SeasonalModel, on_delete=models.CASCADE, related_name="seasonal_topics")
    unit = models.ForeignKey("org.Unit", verbose_name=_("Unit"), on_delete=models.CASCADE, related_name="+")
    label = models.CharField(_("Topic"), max_length=200)
    terms = models.JSONField(_("Telling terms"), default=list)
    tickets = models.PositiveIntegerField(_("Requests"))
    normal = models.FloatField(_("Normal week"))
    expected = models.JSONField(_("Expected per week"), default=list)
    actual = models.JSONField(_("Past years' counts per week"), default=dict)
    peaks = models.JSONField(_("Peak weeks"), default=list)

    class Meta:
        ordering = ["model", "unit", "-tickets", "id"]
        indexes = [models.Index(fields=["model", "unit"], name="seasonal_topic_model_unit")]
        verbose_name = _("Seasonal topic")
        verbose_name_plural = _("Seasonal topics")

    def __str__(self) -> str:
        return self.label


class SeasonalNotice(models.Model):
    """R9.4: a unit told of a coming peak, once per peak (the constraint makes a second notice impossible)."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=200)
    peak_start = models.DateField()
    notified_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "topic", "peak_start"], name="seasonal_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.topic} {self.peak_start}"


class ContingencyPlan(models.Model):
    """R9.4: a unit's contingency plan 预案 for a coming seasonal peak: measures, owner, ready-by date, state.

    The peak is kept as it was when planned (topic, weeks, expected volume), so a later computation does not
    change what the plan answered. Changes only through ``insight.contingency``, each a ``ContingencyEvent``."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("contingency plan", "Being prepared")
        READY = "ready", pgettext_lazy("contingency plan", "Ready")
        ACTIVE = "active", pgettext_lazy("contingency plan", "Activated")
        DONE = "done", pgettext_lazy("contingency plan", "Finished")

    unit = models.ForeignKey("org.Unit", verbose_name=_("Unit"), on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("Topic"), max_length=200)
    terms = models.JSONField(_("Telling terms"), default=list)
    peak_start = models.DateField(_("Peak from"))
    peak_end = models.DateField(_("Peak until"))
    expected = models.FloatField(_("Expected requests in the busiest week"))
    normal = models.FloatField(_("Normal week"))
    measures = models.TextField(_("Measures"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Owner"), on_delete=models.PROTECT, related_name="+"
    )
    ready_by = models.DateField(_("Ready by"))
    state = models.CharField(_("State"), max_length=8, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(_("Recorded at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["peak_start", "id"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "topic", "peak_start"], name="contingency_plan_once")
        ]
        verbose_name = _("Contingency plan")
        verbose_name_plural = _("Contingency plans")

    def __str__(self) -> str:
        return f"{self.topic} {self.peak_start}"


class ContingencyEvent(AppendOnly):
    """The contingency plan's append-only log: recorded, revised, state changed."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", pgettext_lazy("contingency plan", "Recorded")
        REVISED = "revised", pgettext_lazy("contingency plan", "Revised")
        STATE = "state", _("State changed")

    plan = models.ForeignKey(ContingencyPlan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("Kind"), max_length=10, choices=Kind.choices)
    at = models.DateTimeField(_("At"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("By"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("State"), max_length=8, choices=ContingencyPlan.State.choices)
    text = models.TextField(_("Text"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("Contingency plan event")
        verbose_name_plural = _("Contingency plan events")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.kind}"
