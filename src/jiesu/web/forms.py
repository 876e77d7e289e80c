from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
