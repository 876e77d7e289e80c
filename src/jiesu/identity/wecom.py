"""WeCom web sign-in (企业微信网页授权), the OAuth 2.0 code flow as WeCom documents it.

1. The browser is sent to ``open.weixin.qq.com/connect/oauth2/authorize`` (appid = corp id, scope snsapi_base,
   agentid, state, ``#wechat_redirect``); inside the WeCom app this is silent and comes back with ``code``.
2. ``GET {api}/cgi-bin/gettoken?corpid=…&corpsecret=…`` → ``{"errcode": 0, "errmsg": "ok", "access_token": …,
   "expires_in": 7200}``. The token is shared by every process through the cache, for its ``expires_in`` less a
   minute (so it is never used in its last seconds); a 40014/42001 answer (invalid / expired token) drops it
   and the call is made once more with a fresh one.
3. ``GET {api}/cgi-bin/auth/getuserinfo?access_token=…&code=…`` → a member: ``{"errcode": 0, "errmsg": "ok",
   "userid": …, "user_ticket": …}``; someone outside the organisation: ``openid`` and ``external_userid``
   instead; a bad or used code: ``{"errcode": 40029, "errmsg": "invalid code"}``. (The older
   ``cgi-bin/user/getuserinfo`` answered ``UserId``/``OpenId``; both spellings are read.)
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.core.cache import cache

TIMEOUT_SECONDS = 5
TOKEN_MARGIN_SECONDS = 60
TOKEN_INVALID = frozenset({40014, 42001})  # invalid access_token, access_token expired


class WeComError(Exception):
    """WeCom answered with an error (or could not be reached): errcode -1 for the latter."""

    def __init__(self, errcode: int, errmsg: str) -> None:
        super().__init__(f"{errcode} {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class NotAMember(Exception):
    """The code belongs to a WeChat user outside the school's WeCom organisation (openid, no userid)."""


def is_configured() -> bool:
    return bool(
        settings.JIESU_WECOM_CORP_ID and settings.JIESU_WECOM_AGENT_ID and settings.JIESU_WECOM_SECRET
    )


def authorize_url(*, redirect_uri: str, state: str) -> str:
    """Where the browser goes to be identified by WeCom (silently inside the WeCom app)."""
    query = urlencode(
        {
            "appid": settings.JIESU_WECOM_CORP_ID,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
            "agentid": settings.JIESU_WECOM_AGENT_ID,
        }
    )
    return f"{settings.JIESU_WECOM_AUTHORIZE_URL}?{query}#wechat_redirect"


def _get(path: str, params: dict[str, str]) -> dict[str, Any]:
    try:
        response = requests.get(
            f"{settings.JIESU_WECOM_API_BASE}{path}", params=params, timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise WeComError(-1, str(error)) from error
    if not isinstance(data, dict):
        raise WeComError(-1, "not a JSON object")
    errcode = int(data.get("errcode", 0) or 0)
    if errcode:
        raise WeComError(errcode, str(data.get("errmsg", "")))
    return data


def _token_key() -> str:
    # The secret is part of the key (hashed): a changed secret never reuses the old secret's token.
    secret = hashlib.sha256(settings.JIESU_WECOM_SECRET.encode()).hexdigest()[:16]
    return f"jiesu:wecom:token:{settings.JIESU_WECOM_CORP_ID}:{settings.JIESU_WECOM_AGENT_ID}:{secret}"


def access_token(*, refresh: bool = False) -> str:
    """The application's access token, from the cache while it is valid, else fetched from ``gettoken``."""
    key = _token_key()
    if not refresh:
        token = cache.get(key)
        if token:
            return str(token)
    data = _get(
        "/cgi-bin/gettoken",
        {"corpid": settings.JIESU_WECOM_CORP_ID, "corpsecret": settings.JIESU_WECOM_SECRET},
    )
    token = str(data.get("access_token", ""))
    if not token:
        raise WeComError(-1, "no access_token in the answer")
    expires_in = int(data.get("expires_in", 7200) or 7200)
    cache.set(key, token, timeout=max(expires_in - TOKEN_MARGIN_SECONDS, 1))
    return token


def user_id_for_code(code: str) -> str:
    """The WeCom userid of whoever WeCom gave this one-time ``code`` to."""
    try:
        data = _get("/cgi-bin/auth/getuserinfo", {"access_token": access_token(), "code": code})
    except WeComError as error:
        if error.errcode not in TOKEN_INVALID:
            raise
        data = _get("/cgi-bin/auth/getuserinfo", {"access_token": access_token(refresh=True), "code": code})
    userid = str(data.get("userid") or data.get("UserId") or "")
    if not userid:
        raise NotAMember
    return userid
