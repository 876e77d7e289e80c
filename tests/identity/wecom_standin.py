"""A local stand-in for WeCom's web sign-in (WeCom itself cannot be reached from the tests).

It answers as WeCom's documentation says — HTTP 200 with a JSON body whose ``errcode`` is 0 or an error code —
for the two server APIs Jiesu calls, and plays the WeCom app's part in the authorize step:

* ``GET /connect/oauth2/authorize?appid&redirect_uri&response_type=code&scope&state&agentid`` → 302 to
  ``redirect_uri?code=CODE&state=STATE`` for whoever ``signed_in_as`` says is using WeCom;
* ``GET /cgi-bin/gettoken?corpid&corpsecret`` → ``{"errcode":0,"errmsg":"ok","access_token":…,"expires_in":7200}``;
  41002 corpid missing, 40013 invalid corpid, 41004 corpsecret missing, 40001 invalid credential;
* ``GET /cgi-bin/auth/getuserinfo?access_token&code`` → a member ``{"errcode":0,"errmsg":"ok","userid":…,
  "user_ticket":…}``, a non-member ``{"errcode":0,"errmsg":"ok","openid":…,"external_userid":…}``; 41001
  access_token missing, 40014 invalid access_token, 42001 access_token expired, 41008 missing code,
  40029 invalid code (unknown or already used: a code is good once).
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

ERRORS = {
    40001: "invalid credential, access_token is invalid or not latest",
    40013: "invalid corpid",
    40014: "invalid access_token",
    40029: "invalid code",
    41001: "access_token missing",
    41002: "corpid missing",
    41004: "corpsecret missing",
    41008: "missing code",
    42001: "access_token expired",
}


@dataclass
class WeComStandIn:
    corp_id: str
    secret: str
    agent_id: str
    signed_in_as: str = (
        ""  # the userid of the person using the WeCom app; "" = a WeChat user outside the corp
    )
    tokens: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)  # one-time code → userid ("" = non-member)
    calls: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def issue_code(self, userid: str) -> str:
        code = secrets.token_urlsafe(12)
        self.codes[code] = userid
        return code

    def expire_tokens(self) -> None:
        self.expired |= self.tokens

    def gettoken(self, query: dict[str, str]) -> dict[str, object]:
        if not query.get("corpid"):
            return self.error(41002)
        if query["corpid"] != self.corp_id:
            return self.error(40013)
        if not query.get("corpsecret"):
            return self.error(41004)
        if query["corpsecret"] != self.secret:
            return self.error(40001)
        token = secrets.token_urlsafe(24)
        self.tokens.add(token)
        return {"errcode": 0, "errmsg": "ok", "access_token": token, "expires_in": 7200}

    def getuserinfo(self, query: dict[str, str]) -> dict[str, object]:
        token = query.get("access_token", "")
        if not token:
            return self.error(41001)
        if token in self.expired:
            return self.error(42001)
        if token not in self.tokens:
            return self.error(40014)
        if not query.get("code"):
            return self.error(41008)
        if query["code"] not in self.codes:
            return self.error(40029)
        userid = self.codes.pop(query["code"])
        if not userid:
            return {
                "errcode": 0,
                "errmsg": "ok",
                "openid": "oAAAAAA-outsider",
                "external_userid": "wmOUTSIDER",
            }
        return {"errcode": 0, "errmsg": "ok", "userid": userid, "user_ticket": secrets.token_urlsafe(16)}

    @staticmethod
    def error(errcode: int) -> dict[str, object]:
        return {"errcode": errcode, "errmsg": ERRORS[errcode]}

    def start(self) -> WeComStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parsed = urlparse(self.path)
                query = {key: values[0] for key, values in parse_qs(parsed.query).items()}
                standin.calls.append(parsed.path)
                if parsed.path == "/connect/oauth2/authorize":
                    target = f"{query['redirect_uri']}?{urlencode({'code': standin.issue_code(standin.signed_in_as), 'state': query.get('state', '')})}"
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return
                if parsed.path == "/cgi-bin/gettoken":
                    self.answer(standin.gettoken(query))
                elif parsed.path == "/cgi-bin/auth/getuserinfo":
                    self.answer(standin.getuserinfo(query))
                else:
                    self.send_error(404)

            def answer(self, body: dict[str, object]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
