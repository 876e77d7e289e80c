"""A request a city app sent through Open311 GeoReport v2: which ticket it became and which catalogue matter
(``service_code``) it named. The ticket itself is written by ``tickets.services`` on the referral path (R2.6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceRequest(models.Model):
    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("Ticket"), on_delete=models.PROTECT, related_name="open311"
    )
    matter = models.ForeignKey(
        "catalogue.Matter", verbose_name=_("Matter"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("Submitted at"), db_index=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.matter_id}"
