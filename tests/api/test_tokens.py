"""Bearer tokens for integrations and the web session: who the API takes the caller to be."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.test import Client

from jiesu.api.management.commands.token import Command
from jiesu.api.models import ApiToken
from jiesu.api.services import hash_token
from tests.api.conftest import API, assert_error

pytestmark = pytest.mark.django_db


def _create(username: str, *extra: str, capsys) -> str:
    call_command("token", "create", username, *extra)
    return capsys.readouterr().out.strip()


def test_token_create_prints_a_token_that_authenticates(person, capsys) -> None:
    """`jiesu token create` prints one token; the API accepts it as that person and stores only its hash."""
    secret = _create("officer", "--name", "门户集成", capsys=capsys)
    token = ApiToken.objects.get()
    assert token.user == person("officer")
    assert token.name == "门户集成"
    assert secret.startswith(token.prefix + "_")
    assert token.token_hash == hash_token(secret)
    assert secret not in (token.token_hash, token.prefix)
    response = Client().get(f"{API}/tickets", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200, response.content
    assert response.json()["list"] == "inbox"  # the officer's default worklist
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_wrong_and_revoked_tokens_get_401(person, capsys) -> None:
    """A token we never issued and a revoked one both answer 401 with the JSON error shape."""
    secret = _create("officer", capsys=capsys)
    wrong = Client().get(f"{API}/tickets", headers={"Authorization": "Bearer jsu_nothing_xyz"})
    assert_error(wrong, 401, "invalid_token")
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    prefix = ApiToken.objects.get().prefix
    call_command("token", "revoke", prefix)
    assert f"revoked {prefix}" in capsys.readouterr().out
    revoked = Client().get(f"{API}/tickets", headers={"Authorization": f"Bearer {secret}"})
    assert_error(revoked, 401, "invalid_token")


def test_a_bad_token_is_refused_even_with_a_signed_in_session(person) -> None:
    """An integration with a wrong token never silently acts as whoever is signed in in the browser."""
    client = Client()
    client.force_login(person("officer"))
    assert client.get(f"{API}/tickets").status_code == 200
    assert_error(client.get(f"{API}/tickets", headers={"Authorization": "Bearer nope"}), 401, "invalid_token")


def test_inactive_person_token_gets_401(person, capsys) -> None:
    secret = _create("officer", capsys=capsys)
    officer = person("officer")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert_error(
        Client().get(f"{API}/tickets", headers={"Authorization": f"Bearer {secret}"}), 401, "invalid_token"
    )


def test_no_credentials_get_401(demo_org) -> None:
    assert_error(Client().get(f"{API}/tickets"), 401, "unauthenticated")
    assert_error(Client().post(f"{API}/tickets", {}, content_type="application/json"), 401, "unauthenticated")


def test_session_post_without_csrf_token_is_refused(person) -> None:
    """The web session needs the CSRF token on unsafe methods; bearer tokens do not (no cookies involved)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(person("student"))
    body = {"channel": "web", "type": "help", "campus": "beijing", "content": "图书馆空调太冷。"}
    assert_error(client.post(f"{API}/tickets", body, content_type="application/json"), 403, "csrf_failed")
    client.get("/login/")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value
    ok = client.post(f"{API}/tickets", body, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert ok.status_code == 201, ok.content


def test_token_list_shows_prefixes_never_secrets(person, capsys) -> None:
    secret = _create("officer", "--name", "a", capsys=capsys)
    call_command("token", "list", "officer")
    out = capsys.readouterr().out
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["name"] for r in rows] == ["a"]
    assert rows[0]["revoked"] is False
    assert secret not in out


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["create", "nobody"], "unknown_user"),
        (["list", "nobody"], "unknown_user"),
        (["revoke", "jsu_missing"], "unknown_token"),
        (["create"], "bad_arguments"),
    ],
)
def test_cli_errors_are_json_on_stderr_with_exit_status_2(
    demo_org, capsys, monkeypatch, argv: list[str], code: str
) -> None:
    """Structured CLI errors: one JSON object on stderr, exit status 2, nothing created."""
    # run_from_argv closes every connection when it ends; the test's transaction still needs its own.
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["jiesu", "token", *argv])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert json.loads(captured.err)["error"]["code"] == code
    assert captured.out == ""
    assert not ApiToken.objects.exists()
