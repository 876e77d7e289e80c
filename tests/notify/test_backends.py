"""Channel backends: the console ones print one masked line; the WeCom webhook posts JSON with a timeout and
raises on any refusal (so the outbox retries)."""

from __future__ import annotations

import json
import threading
import urllib.error
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from jiesu.notify import backends


def test_console_sms_prints_one_line_with_the_phone_masked(capsys: pytest.CaptureFixture[str]) -> None:
    """R10.2: the worker's console never shows a full phone number."""
    backends.ConsoleSmsBackend().send(
        address="13812345678", subject="", body="【接诉即办】第一行\n第二行", key="k1"
    )
    out = capsys.readouterr().out
    assert out == "[sms] 138****5678 k1: 【接诉即办】第一行 第二行\n"


def test_console_wecom_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    backends.ConsoleWecomBackend().send(address="officer", subject="新派单", body="正文\n更多", key="k2")
    assert capsys.readouterr().out == "[wecom] officer k2: 新派单\n"


class _Robot(BaseHTTPRequestHandler):
    """A stand-in WeCom group robot: remembers posts; answers with ``reply`` and ``status``."""

    posts: list[dict[str, Any]] = []
    reply: dict[str, Any] = {"errcode": 0, "errmsg": "ok"}
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's hook
        length = int(self.headers["Content-Length"])
        type(self).posts.append(json.loads(self.rfile.read(length)))
        payload = json.dumps(type(self).reply).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        return


@pytest.fixture
def robot() -> Iterator[str]:
    _Robot.posts, _Robot.reply, _Robot.status = [], {"errcode": 0, "errmsg": "ok"}, 200
    server = HTTPServer(("127.0.0.1", 0), _Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/cgi-bin/webhook/send?key=test"
    finally:
        server.shutdown()
        server.server_close()


def test_the_wecom_webhook_posts_text_mentioning_the_member(robot: str) -> None:
    with override_settings(JIESU_WECOM_WEBHOOK_URL=robot):
        backends.WebhookWecomBackend().send(
            address="officer", subject="t", body="新派单：20261124-000001", key="k"
        )
    assert _Robot.posts == [
        {"msgtype": "text", "text": {"content": "新派单：20261124-000001", "mentioned_list": ["officer"]}}
    ]


@pytest.mark.parametrize(
    ("status", "reply", "error"),
    [
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, RuntimeError),
        (500, {}, urllib.error.HTTPError),
    ],
)
def test_a_refusing_webhook_raises_so_the_row_is_retried(
    robot: str, status: int, reply: dict[str, Any], error: type[Exception]
) -> None:
    """A refusal in the answer's errcode or an HTTP error raises, so delivery records a failure and retries."""
    _Robot.status, _Robot.reply = status, reply
    with override_settings(JIESU_WECOM_WEBHOOK_URL=robot), pytest.raises(error):
        backends.WebhookWecomBackend().send(address="officer", subject="t", body="x", key="k")


def test_the_webhook_needs_an_http_url() -> None:
    with override_settings(JIESU_WECOM_WEBHOOK_URL="file:///etc/passwd"), pytest.raises(ImproperlyConfigured):
        backends.WebhookWecomBackend()


def test_backends_come_from_settings_by_dotted_path() -> None:
    with override_settings(JIESU_SMS_BACKEND="tests.notify.fake_backends.RecordingBackend"):
        assert type(backends.load("sms")).__name__ == "RecordingBackend"
    with override_settings(JIESU_SMS_BACKEND="collections.OrderedDict"), pytest.raises(ImproperlyConfigured):
        backends.load("sms")
