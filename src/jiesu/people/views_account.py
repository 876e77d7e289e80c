"""A person's own account page (issue 18 item 6) and the password reset by e-mail for local accounts."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.org.selectors import roles_for
from jiesu.people.account import account_contacts_update
from jiesu.people.errors import PeopleError
from jiesu.people.forms import ContactsForm


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Who I am (as the school knows me), my contact details, and where my notification choices and my
    password are kept."""
    user = cast(User, request.user)
    form = ContactsForm(request.POST or None, initial={"phone": user.phone, "email": user.email})
    if request.method == "POST" and form.is_valid():
        try:
            account_contacts_update(user=user, **form.cleaned_data)
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your contact details are saved; new requests start with them."))
            return redirect("account:index")
    return render(
        request,
        "people/account.html",
        {"form": form, "person": user, "grants": roles_for(user).grants, "local": user.has_usable_password()},
        status=400 if form.errors else 200,
    )


# Django's password reset, in the site's layout and in Chinese. Only active accounts with a local password
# and this e-mail address get a message (Django's PasswordResetForm); the page says the same either way.
password_reset = auth_views.PasswordResetView.as_view(
    template_name="people/password_reset.html",
    email_template_name="people/password_reset_email.txt",
    subject_template_name="people/password_reset_subject.txt",
    success_url=reverse_lazy("account:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="people/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="people/password_reset_confirm.html",
    success_url=reverse_lazy("account:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="people/password_reset_complete.html"
)
