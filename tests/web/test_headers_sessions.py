"""Headers and sessions (issue 17, item 7): a Content-Security-Policy with no inline script, ``no-store`` on every
answer that shows personal data, sessions that end after 8 idle hours, a password change page for local accounts,
and API tokens revoked — never deleted — in the admin."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from jiesu.api.models import ApiToken
from jiesu.api.services import token_create
from jiesu.org.models import User
from jiesu.tickets.states import Status
from tests.api.conftest import API, assert_error
from tests.support import drive, handling, sent_rating_token

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization."""


def signed_in(person, username: str) -> Client:
    client = Client()
    client.force_login(person(username))
    return client


def _pages(person) -> list[tuple[Client, str]]:
    """Pages across the site, each as the person who uses it."""
    ticket = handling()
    replied = drive(Status.REPLIED, level="direct", cohandling=False, requester="teacher")
    return [
        (Client(), reverse("web:login")),
        (Client(), reverse("web:hotlines")),
        (Client(), reverse("intake:track")),
        (Client(), reverse("intake:rate", args=[sent_rating_token(replied)])),
        (signed_in(person, "student"), reverse("web:home")),
        (signed_in(person, "student"), reverse("intake:new")),
        (signed_in(person, "student"), reverse("intake:mine")),
        (signed_in(person, "student"), reverse("work:ticket", args=[ticket.number])),
        (signed_in(person, "duty"), reverse("intake:staff")),
        (signed_in(person, "officer"), reverse("work:ticket", args=[ticket.number])),
        (signed_in(person, "officer"), reverse("work:inbox")),
        (signed_in(person, "dispatcher"), reverse("work:dispatch")),
        (signed_in(person, "dispatcher"), "/ledger/"),
        (signed_in(person, "officer"), reverse("notify:inbox")),
        (signed_in(person, "officer"), reverse("web:password_change")),
    ]


def test_every_page_carries_a_strict_policy_and_no_inline_script_or_style(person) -> None:
    """Every page answers with a Content-Security-Policy allowing scripts and styles from this site only, and
    holds no inline ``<script>`` (nor ``<style>``, ``style=`` or ``on…=`` handlers) the policy would block."""
    for client, url in _pages(person):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag, (url, tag)
        assert "<style" not in html, url
        assert not re.search(r"\sstyle=\"", html), url
        assert not re.search(r"\son[a-z]+=\"", html), url


def test_pages_and_api_answers_with_personal_data_are_never_stored(person) -> None:
    """``Cache-Control: no-store`` on pages and API answers (lists, a ticket, errors); static files stay
    cacheable."""
    ticket = handling()
    for client, url in _pages(person):
        assert "no-store" in client.get(url)["Cache-Control"], url
    bearer = {"Authorization": f"Bearer {token_create(user=person('officer')).secret}"}
    for path in ("/tickets", f"/tickets/{ticket.number}", "/tickets/20000101-000001"):
        answer = Client().get(API + path, headers=bearer)
        assert "no-store" in answer["Cache-Control"] and "private" in answer["Cache-Control"], path
    static = Client().get(settings.STATIC_URL + "web/app.css")
    assert "no-store" not in static.get("Cache-Control", "")


def test_a_session_ends_after_eight_idle_hours_but_not_while_used(person, password) -> None:
    """Signed in at 09:00 and used every two hours, the session lives on; left alone for 8 hours and a minute,
    it has ended and the next page asks to sign in."""
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        assert (
            client.post(reverse("web:login"), {"username": "officer", "password": password}).status_code
            == 302
        )
        home = reverse("web:home")
        for _ in range(6):  # twelve hours of work, a page every two hours
            clock.shift(dt.timedelta(hours=2))
            assert client.get(home).status_code == 200
        clock.shift(dt.timedelta(hours=8, minutes=1))
        response = client.get(home)
        assert response.status_code == 302 and reverse("web:login") in response["Location"]


def test_a_local_account_changes_its_password_on_a_chinese_page(person, password) -> None:
    """The page is in the site's layout and in Chinese; a wrong current password is refused beside its field; a
    good change keeps this session, and the new password signs in while the old one does not."""
    client = Client()
    client.post(reverse("web:login"), {"username": "officer", "password": password})
    url = reverse("web:password_change")
    page = client.get(url).content.decode()
    assert "修改密码" in page and "当前密码" in page and 'data-testid="nav-password"' in page
    wrong = client.post(
        url, {"old_password": "nope", "new_password1": "Xq7!kettle-42", "new_password2": "Xq7!kettle-42"}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    done = client.post(
        url, {"old_password": password, "new_password1": "Xq7!kettle-42", "new_password2": "Xq7!kettle-42"}
    )
    assert done.status_code == 302 and done["Location"] == reverse("web:password_change_done")
    assert "密码已修改" in client.get(done["Location"]).content.decode()
    assert client.get(reverse("web:home")).status_code == 200
    login = reverse("web:login")
    assert Client().post(login, {"username": "officer", "password": "Xq7!kettle-42"}).status_code == 302
    assert Client().post(login, {"username": "officer", "password": password}).status_code == 200


def test_an_account_without_a_local_password_is_told_where_to_change_it(person) -> None:
    """An account signing in elsewhere (no usable password here) gets no change form."""
    officer = person("officer")
    officer.set_unusable_password()
    officer.save(update_fields=["password"])
    response = signed_in(person, "officer").get(reverse("web:password_change"))
    assert response.status_code == 403 and 'data-testid="password-not-local"' in response.content.decode()


def test_tokens_are_revoked_in_the_admin_never_deleted(person) -> None:
    """The admin offers a revoke action and no delete (neither the page nor the bulk action); a token revoked
    there stays listed with its revocation time and the API refuses it with a structured 401."""
    admin = User.objects.create_superuser(username="root-admin", password="Xq7!kettle-42")
    client = Client()
    client.force_login(admin)
    issued = token_create(user=person("officer"), name="integration")
    headers = {"Authorization": f"Bearer {issued.secret}"}
    assert Client().get(f"{API}/tickets", headers=headers).status_code == 200
    changelist = reverse("admin:api_apitoken_changelist")
    listing = client.get(changelist).content.decode()
    assert 'value="revoke"' in listing and 'value="delete_selected"' not in listing
    assert client.get(reverse("admin:api_apitoken_delete", args=[issued.token.pk])).status_code == 403
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [issued.token.pk], "post": "yes"}
    )
    assert ApiToken.objects.filter(pk=issued.token.pk).exists()
    client.post(changelist, {"action": "revoke", "_selected_action": [issued.token.pk]})
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.revoked and token.revoked_at is not None
    assert_error(Client().get(f"{API}/tickets", headers=headers), 401, "invalid_token")
