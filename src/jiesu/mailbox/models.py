"""The two mailboxes and the public board (R2.2): a letter is a ticket on the ``mailbox`` channel; this app
records which box it was written to, how the Office routed it, and the text it approved for the board."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiesu.tickets.models import Ticket


class Box(models.TextChoices):
    """R2.2: two separate boxes."""

    SECRETARY = "secretary", _("Party Secretary's mailbox")
    PRESIDENT = "president", _("President's mailbox")


class Route(models.TextChoices):
    """R2.2: how the Office triaged the letter (R4.7)."""

    UNROUTED = "", _("Awaiting triage")
    PUBLIC = "public", _("Dispatched for a public reply")
    PRIVATE = "private", _("Not for public reply: submitted to a leader")


class Letter(models.Model):
    ticket = models.OneToOneField(Ticket, on_delete=models.PROTECT, related_name="letter")
    box = models.CharField(_("Mailbox"), max_length=16, choices=Box.choices)
    # The writer agreed that the letter and its reply may appear on the board, without personal data.
    public_reply_wanted = models.BooleanField(_("May be published"), default=True)
    route = models.CharField(_("Route"), max_length=8, choices=Route.choices, blank=True, default="")
    routed_at = models.DateTimeField(null=True, blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leader = models.ForeignKey(  # R2.2 (b): the leader asked for an instruction
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["route", "created_at"], name="letter_route_created")]

    def __str__(self) -> str:
        return f"{self.box}: {self.ticket_id}"


class Publication(models.Model):
    """The text the Office approved for the public board: masked, checked, never the raw letter."""

    letter = models.OneToOneField(Letter, on_delete=models.PROTECT, related_name="publication")
    box = models.CharField(max_length=16, choices=Box.choices)
    title = models.CharField(_("Title"), max_length=120)
    question = models.TextField(_("Letter as published"))
    answer = models.TextField(_("Reply as published"))
    unit_name = models.CharField(max_length=100, blank=True)
    search_text = models.TextField(blank=True)  # rjieba tokens of title, question and answer
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["box", "published_at"],
                name="publication_board",
                condition=Q(withdrawn_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return self.title


class LetterLogQuerySet(models.QuerySet["LetterLog"]):
    def update(self, **kwargs: object) -> int:
        raise RuntimeError("the mailbox log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("the mailbox log is append-only")


class LetterLog(models.Model):
    """Append-only audit of every step on a letter (written, routed, dispatched, published, withdrawn)."""

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="log")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=16)
    detail = models.JSONField(default=dict, blank=True)

    objects = LetterLogQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.letter_id} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("the mailbox log is append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("the mailbox log is append-only")
