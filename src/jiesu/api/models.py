"""Bearer tokens for integrations (R10: every API call acts as one named person, with that person's access)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """One integration's token. Only a SHA-256 hash of the secret is stored; the prefix identifies it for people."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("Token name"), max_length=100, blank=True)
    prefix = models.CharField(_("Prefix"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("Last used at"), null=True, blank=True)
    revoked = models.BooleanField(_("Revoked"), default=False)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked=False) | Q(revoked_at__isnull=False), name="apitoken_revoked_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
