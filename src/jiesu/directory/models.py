"""The campus directory's own records: which units and people came from the directory (so a later sync may
update or retire exactly those), the roles the directory granted (so it revokes only its own), every sync run,
and an append-only log of each change it made."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Unit


class SyncRun(models.Model):
    """One run of ``directory_sync`` (the nightly task or ``jiesu sync-directory``), with its report."""

    class Trigger(models.TextChoices):
        NIGHTLY = "nightly", _("Nightly")
        COMMAND = "command", _("Command")

    trigger = models.CharField(_("Trigger"), max_length=16, choices=Trigger.choices)
    started_at = models.DateTimeField(_("Started at"))
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)
    report = models.JSONField(_("Report"), default=dict)
    ok = models.BooleanField(_("Succeeded"), default=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("Directory sync run")
        verbose_name_plural = _("Directory sync runs")

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} {self.started_at:%Y-%m-%d %H:%M}"


class DirectoryUnit(models.Model):
    """A unit the directory keeps: matched by its code (the entry's ``ou``)."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="directory_link")
    dn = models.CharField(max_length=512)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.dn


class DirectoryPerson(models.Model):
    """A person the directory keeps: matched by the 学号/工号 (``User.number``). ``granted`` lists the roles the
    directory gave, as ``[role, unit_id or null]`` pairs: a sync revokes those and never a role given in the app."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_link"
    )
    dn = models.CharField(max_length=512)
    granted = models.JSONField(default=list)
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.dn


class DirectoryChange(models.Model):
    """Append-only: one change the directory made to a unit or a person, with the fields' old and new values."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        RETIRED = "retired", _("Retired")

    class Source(models.TextChoices):
        SYNC = "sync", _("Directory sync")
        LDAP_SIGNIN = "ldap", _("LDAP sign-in")
        OIDC_SIGNIN = "oidc", _("OIDC sign-in")

    run = models.ForeignKey(SyncRun, null=True, blank=True, on_delete=models.CASCADE, related_name="changes")
    source = models.CharField(max_length=8, choices=Source.choices)
    target = models.CharField(max_length=8)  # "unit" or "person"
    key = models.CharField(max_length=64)  # the unit's code or the person's number
    action = models.CharField(max_length=8, choices=Action.choices)
    changes = models.JSONField(default=dict)  # field -> [old, new]
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.target} {self.key}"
