from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from jiesu.clientip import client_ip
from jiesu.web import signin


class SignInForm(AuthenticationForm):
    """Django's sign-in form with Chinese labels and phone-friendly inputs."""

    username = forms.CharField(
        label=_("Username"), widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("Wrong username or password. Repeated failures lock the account for a while."),
        "inactive": _("This account is disabled."),
    }

    def clean(self) -> dict[str, Any]:
        """Slowed down after many failures on the username or from the address (``jiesu.web.signin``); axes locks
        the username and address together."""
        username = self.cleaned_data.get("username") or ""
        address = client_ip(self.request) if self.request is not None else ""
        wait = signin.wait_seconds(username, address)
        if wait:
            raise forms.ValidationError(
                _("Too many failed sign-ins. Wait %(seconds)d seconds, then try again."),
                code="throttled",
                params={"seconds": wait},
            )
        try:
            data = super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                signin.record_failure(username, address)
            raise
        signin.record_success(username)
        return data


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change (old password, then the new one twice, checked by AUTH_PASSWORD_VALIDATORS) with
    Chinese labels and the browser's password-manager hints."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        labels = {
            "old_password": (_("Current password"), "current-password"),
            "new_password1": (_("New password"), "new-password"),
            "new_password2": (_("New password again"), "new-password"),
        }
        for name, (label, autocomplete) in labels.items():
            self.fields[name].label = label
            self.fields[name].widget.attrs["autocomplete"] = autocomplete
            self.fields[name].help_text = ""
