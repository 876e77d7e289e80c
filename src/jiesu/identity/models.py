"""External identities (issue 18): which Jiesu person a CAS or WeCom account is, and every external sign-in."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    CAS = "cas", _("Unified identity authentication")
    WECOM = "wecom", _("WeCom")


class ExternalIdentity(models.Model):
    """One account at an external identity service (the CAS user name, the WeCom userid) linked to one person."""

    provider = models.CharField(_("Provider"), max_length=16, choices=Provider.choices)
    subject = models.CharField(_("External account"), max_length=191)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    # The attributes the service released at the last sign-in (name, number, kind, unit), as it sent them.
    attributes = models.JSONField(_("Attributes"), default=dict, blank=True)
    first_seen = models.DateTimeField(_("First sign-in"))
    last_seen = models.DateTimeField(_("Last sign-in"))

    class Meta:
        ordering = ["provider", "subject"]
        verbose_name = _("External identity")
        verbose_name_plural = _("External identity")
        constraints = [
            models.UniqueConstraint(fields=["provider", "subject"], name="identity_provider_subject_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class SignInEventQuerySet(models.QuerySet["SignInEvent"]):
    def update(self, **kwargs: object) -> int:
        raise RuntimeError("the sign-in log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise RuntimeError("the sign-in log is append-only")


class SignInOutcome(models.TextChoices):
    LINKED = "linked", _("Linked to an existing person")
    CREATED = "created", _("New person created")
    SIGNED_IN = "signed_in", _("Signed in")
    REFUSED = "refused", _("Refused")


class SignInEvent(models.Model):
    """The append-only log of external sign-ins: who came in through which service, and what it did."""

    provider = models.CharField(max_length=16, choices=Provider.choices)
    subject = models.CharField(max_length=191)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=SignInOutcome.choices)
    reason = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    objects = SignInEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("External sign-in")
        verbose_name_plural = _("External sign-in")

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject} {self.outcome}"
