"""The site's secret key (issue 17, item 1): with DEBUG off no process starts without this deployment's own
key — not a missing one, not one written in Jiesu's source, not a weak one. `make demo` and the tests use a
random key kept under var/."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from jiesu.web.checks import PUBLISHED_KEYS, secret_key_is_private

JIESU = Path(sys.executable).parent / "jiesu"
GOOD = "k3Vq9-Zr_p2LmX8sT0wYbN4cJ7hD1fGeA6uRiOoP5tWz" + "Q8xM2nB"
PUBLISHED = next(iter(PUBLISHED_KEYS))


@pytest.mark.parametrize(
    ("debug", "key", "fallbacks", "expected"),
    [
        pytest.param(False, "", [], ["jiesu.web.E001"], id="missing"),
        pytest.param(False, PUBLISHED, [], ["jiesu.web.E002"], id="the-key-once-in-the-source"),
        pytest.param(False, "django-insecure-" + GOOD, [], ["jiesu.web.E002"], id="django-insecure"),
        pytest.param(False, "short-key", [], ["jiesu.web.E002"], id="short"),
        pytest.param(False, GOOD, [PUBLISHED], ["jiesu.web.E002"], id="published-fallback"),
        pytest.param(False, GOOD, [], [], id="own-key"),
        pytest.param(True, PUBLISHED, [], [], id="debug"),
    ],
)
def test_with_debug_off_only_an_own_strong_key_passes(
    debug: bool, key: str, fallbacks: list[str], expected: list[str]
) -> None:
    """A missing key (E001) or a published, Django-placeholder, short or published fallback key (E002) is an
    error of `jiesu check` when DEBUG is off; DEBUG runs are not checked."""
    with override_settings(DEBUG=debug, SECRET_KEY=key, SECRET_KEY_FALLBACKS=fallbacks):
        assert [message.id for message in secret_key_is_private()] == expected
        assert all(message.is_serious() for message in secret_key_is_private())


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiesu.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "JIESU_VAR_DIR": str(tmp_path),
        **extra,
    }
    for name in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        if name not in extra:
            env.pop(name, None)
    return env


def test_jiesu_check_fails_without_a_secret_key(tmp_path: Path) -> None:
    """With DEBUG off and no SECRET_KEY in the environment `jiesu check` fails with a clear error (no key from
    the source is used instead), and the WSGI entry point refuses to serve."""
    result = subprocess.run(
        [str(JIESU), "check"], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "jiesu.web.E001" in result.stderr and "SECRET_KEY is not set" in result.stderr
    wsgi = subprocess.run(
        [sys.executable, "-c", "import jiesu.wsgi"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert wsgi.returncode != 0 and "jiesu.web.E001" in wsgi.stderr
    assert not (tmp_path / "secret_key").exists()


def test_jiesu_check_fails_with_the_published_key(tmp_path: Path) -> None:
    """The key once written in the source is refused even when set in the environment."""
    env = _env(tmp_path, SECRET_KEY=PUBLISHED)
    result = subprocess.run([str(JIESU), "check"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "jiesu.web.E002" in result.stderr


def test_debug_runs_make_and_keep_their_own_key_under_var(tmp_path: Path) -> None:
    """DEBUG (the demo) makes a random key under var/ once, readable by its owner only, and keeps using it."""
    env = _env(tmp_path, DEBUG="1")
    show = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = subprocess.run(
        [str(JIESU), "shell", "-v", "0", "-c", show], env=env, capture_output=True, text=True, timeout=120
    )
    second = subprocess.run(
        [str(JIESU), "shell", "-v", "0", "-c", show], env=env, capture_output=True, text=True, timeout=120
    )
    assert first.returncode == 0, first.stderr
    key = (tmp_path / "secret_key").read_text().strip()
    assert first.stdout.strip() == second.stdout.strip() == key
    assert len(key) >= 50 and key not in PUBLISHED_KEYS
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
