"""Forms of the notify pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.notify import selectors
from jiesu.org.models import User
from jiesu.org.selectors import roles_for
from jiesu.textcheck import CleanTextForm


class PreferenceForm(CleanTextForm):
    """Which extra channels a person wants; the in-app inbox is always on."""

    email = forms.BooleanField(label=_("Email messages"), required=False)
    sms = forms.BooleanField(label=_("Text messages (SMS)"), required=False)
    wecom = forms.BooleanField(label=_("WeCom messages"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not roles_for(user).is_staff_member:
            del self.fields["wecom"]  # WeCom is the staff's channel; requesters' messages never use it

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("email") and not self.user.email:
            self.add_error("email", _("There is no email address on your account, so email cannot be sent."))
        if data.get("sms") and not self.user.phone:
            self.add_error(
                "sms", _("There is no mobile number on your account, so text messages cannot be sent.")
            )
        data.setdefault("wecom", False)
        return data


class RetryForm(CleanTextForm):
    """The Office picks undelivered messages to send again now."""

    rows = forms.ModelMultipleChoiceField(
        queryset=selectors.undelivered(),
        error_messages={
            "required": _("Choose the messages to send again."),
            "invalid_choice": _("A chosen message has been delivered meanwhile or does not exist."),
            "invalid_pk_value": _("A chosen message has been delivered meanwhile or does not exist."),
        },
    )
