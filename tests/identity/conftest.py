"""Fixtures of the external sign-in tests: a real CAS server (django-mama-cas, own process) and the WeCom
stand-in (``wecom_standin``)."""

from __future__ import annotations

import copy
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.identity.wecom_standin import WeComStandIn

REPO = Path(__file__).resolve().parents[2]
CAS_BACKEND = "jiesu.identity.backends.CASBackend"
WECOM_BACKEND = "jiesu.identity.backends.WeComBackend"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def cas_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """django-mama-cas served by its own process; yields its CAS base URL (``http://127.0.0.1:PORT/cas/``)."""
    port = _free_port()
    env = {
        **os.environ,
        "CAS_TEST_DB": str(tmp_path_factory.mktemp("cas") / "cas.sqlite3"),
        "CAS_TEST_SECRET_KEY": secrets.token_urlsafe(32),
        "PYTHONPATH": str(REPO),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.identity.casserver.serve", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}/cas/"
    try:
        for _attempt in range(150):
            if process.poll() is not None:
                raise RuntimeError(
                    f"the CAS server stopped: {process.stderr.read().decode() if process.stderr else ''}"
                )
            try:
                requests.get(f"{base}login", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the CAS server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def cas_settings(settings, cas_server: str) -> str:
    """Jiesu configured for the test CAS server (as JIESU_CAS_SERVER_URL would)."""
    settings.CAS_SERVER_URL = cas_server
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, CAS_BACKEND]
    # As settings does for JIESU_CAS_SERVER_URL: the sign-out form may end at the CAS server.
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"].append(cas_server.split("/cas/")[0])
    settings.CONTENT_SECURITY_POLICY = policy
    return cas_server


@pytest.fixture
def wecom(settings) -> Iterator[WeComStandIn]:
    """The WeCom stand-in, and Jiesu configured for it (JIESU_WECOM_API_BASE and the authorize URL)."""
    standin = WeComStandIn(
        corp_id="ww-test-corp", secret=secrets.token_urlsafe(16), agent_id="1000002"
    ).start()
    settings.JIESU_WECOM_CORP_ID = standin.corp_id
    settings.JIESU_WECOM_AGENT_ID = standin.agent_id
    settings.JIESU_WECOM_SECRET = standin.secret
    settings.JIESU_WECOM_API_BASE = standin.url
    settings.JIESU_WECOM_AUTHORIZE_URL = f"{standin.url}/connect/oauth2/authorize"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, WECOM_BACKEND]
    yield standin
    standin.stop()
