"""WeCom web sign-in (企业微信网页授权) against the local stand-in of its endpoints (tests/identity/wecom_standin.py):
the token is cached for its expires_in, errors answer as WeCom documents them, and a person opens Jiesu signed in."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import time_machine
from django.test import Client
from django.urls import reverse

from jiesu.identity import wecom as client_module
from jiesu.identity.models import ExternalIdentity
from jiesu.org.models import User

WECOM_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 wxwork/4.1.20 MicroMessenger/7.0.1"


@pytest.fixture
def staff(person) -> User:
    officer = person("officer")
    officer.number = "T2001"  # the school sets WeCom userids to 工号
    officer.save()
    return officer


def _through_wecom(client: Client, response, **extra: str):
    """Follow Jiesu's redirect to WeCom's authorize page (the stand-in) and come back with its code."""
    assert response.status_code == 302
    authorize = requests.get(response["Location"], allow_redirects=False, timeout=5)
    assert authorize.status_code == 302
    back = urlparse(authorize.headers["Location"])
    return client.get(back.path, parse_qs(back.query), **extra)


def test_without_settings_there_is_no_wecom_sign_in(db, settings) -> None:
    settings.JIESU_WECOM_CORP_ID = ""
    assert Client().get(reverse("identity:wecom_login")).status_code == 404
    assert "企业微信" not in Client().get(reverse("web:login")).content.decode()


@pytest.mark.django_db
def test_the_access_token_is_cached_for_its_expires_in(wecom) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        token = client_module.access_token()
        assert client_module.access_token() == token
        clock.shift(dt.timedelta(seconds=7200 - 61))
        assert client_module.access_token() == token
        clock.shift(dt.timedelta(seconds=2))  # within the last minute of its 7200 s: fetched anew
        assert client_module.access_token() != token
    assert wecom.calls.count("/cgi-bin/gettoken") == 2


@pytest.mark.django_db
def test_an_expired_token_is_replaced_and_the_call_made_again(wecom) -> None:
    client_module.access_token()
    wecom.expire_tokens()  # WeCom answers 42001 access_token expired
    assert client_module.user_id_for_code(wecom.issue_code("T2001")) == "T2001"
    assert wecom.calls.count("/cgi-bin/gettoken") == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "errcode"),
    [("secret", 40001), ("corp", 40013), ("code", 40029)],
)
def test_wecoms_documented_errors_become_wecom_errors(wecom, settings, change: str, errcode: int) -> None:
    if change == "secret":
        settings.JIESU_WECOM_SECRET = "wrong"
    if change == "corp":
        settings.JIESU_WECOM_CORP_ID = "wrong"
    with pytest.raises(client_module.WeComError) as raised:
        client_module.user_id_for_code("no-such-code")
    assert raised.value.errcode == errcode


@pytest.mark.django_db
def test_a_code_is_good_once_and_outsiders_are_not_members(wecom) -> None:
    code = wecom.issue_code("T2001")
    assert client_module.user_id_for_code(code) == "T2001"
    with pytest.raises(client_module.WeComError):
        client_module.user_id_for_code(code)
    with pytest.raises(client_module.NotAMember):
        client_module.user_id_for_code(wecom.issue_code(""))


@pytest.mark.django_db
def test_a_staff_member_signs_in_through_wecom(wecom, staff: User) -> None:
    wecom.signed_in_as = "T2001"
    client = Client()
    page = client.get(reverse("web:login")).content.decode()
    assert "企业微信登录" in page
    start = client.get(reverse("identity:wecom_login"), {"next": "/notifications/"})
    location = urlparse(start["Location"])
    assert start["Location"].endswith("#wechat_redirect")
    query = parse_qs(location.query)
    assert query["appid"] == [wecom.corp_id] and query["agentid"] == [wecom.agent_id]
    assert query["scope"] == ["snsapi_base"] and query["redirect_uri"][0].endswith("/wecom/callback/")
    response = _through_wecom(client, start)
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert client.get(reverse("web:home")).context["user"] == staff
    assert ExternalIdentity.objects.get(provider="wecom", subject="T2001").user == staff


@pytest.mark.django_db
def test_inside_wecom_jiesu_opens_signed_in(wecom, staff: User) -> None:
    wecom.signed_in_as = "T2001"
    client = Client(HTTP_USER_AGENT=WECOM_UA)
    to_login = client.get(reverse("web:home"))
    to_wecom_login = client.get(to_login["Location"])  # the sign-in page forwards inside WeCom
    assert to_wecom_login["Location"].startswith(reverse("identity:wecom_login"))
    back = _through_wecom(client, client.get(to_wecom_login["Location"]))
    assert back["Location"] == "/"
    assert client.get("/").context["user"] == staff
    # Outside WeCom the sign-in page asks as usual; ?local=1 keeps the password form inside WeCom too.
    assert Client().get(reverse("web:login")).status_code == 200
    assert Client(HTTP_USER_AGENT=WECOM_UA).get(reverse("web:login"), {"local": "1"}).status_code == 200


@pytest.mark.django_db
def test_signing_out_of_a_wecom_session_does_not_sign_straight_back_in(wecom, staff: User) -> None:
    wecom.signed_in_as = "T2001"
    client = Client(HTTP_USER_AGENT=WECOM_UA)
    _through_wecom(client, client.get(reverse("identity:wecom_login")))
    response = client.post(reverse("web:logout"), follow=True)
    assert response.redirect_chain[0] == (reverse("identity:wecom_signed_out"), 307)
    assert "已退出登录" in response.content.decode()
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("userid", "status", "text"),
    [("X9999", 403, "尚未关联"), ("", 403, "企业微信成员")],
)
def test_unknown_people_get_a_clear_chinese_page(
    wecom, staff: User, userid: str, status: int, text: str
) -> None:
    wecom.signed_in_as = userid
    client = Client()
    response = _through_wecom(client, client.get(reverse("identity:wecom_login")))
    assert response.status_code == status and text in response.content.decode()
    assert not client.get(reverse("web:home")).wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_a_forged_or_replayed_callback_is_refused(wecom, staff: User) -> None:
    client = Client()
    response = client.get(
        reverse("identity:wecom_callback"), {"code": wecom.issue_code("T2001"), "state": "x"}
    )
    assert response.status_code == 400 and "企业微信" in response.content.decode()


@pytest.mark.django_db
def test_wecom_out_of_reach_is_a_502_page_not_a_500(wecom, staff: User, settings) -> None:
    client = Client()
    start = client.get(reverse("identity:wecom_login"))
    wecom.signed_in_as = "T2001"
    settings.JIESU_WECOM_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = _through_wecom(client, start)
    assert response.status_code == 502 and "企业微信" in response.content.decode()
