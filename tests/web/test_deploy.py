"""Production settings pass `jiesu check --deploy` with no warnings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_check_deploy_prints_no_warnings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiesu.settings.production",
        "SECRET_KEY": "x7#Qp2!vLm9@rT4$wZ8^kB1&nC6*yH3(dF5)gJ0-sA_eU" * 2,
        "ALLOWED_HOSTS": "jiesu.example.edu.cn",
        "JIESU_SITE_URL": "https://jiesu.example.edu.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "JIESU_VAR_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests' harness; W-check warns about it
    jiesu = Path(sys.executable).parent / "jiesu"
    result = subprocess.run(
        [str(jiesu), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiesu.settings.production",
        "JIESU_VAR_DIR": str(tmp_path),
    }
    env.pop("SECRET_KEY", None)
    jiesu = Path(sys.executable).parent / "jiesu"
    result = subprocess.run([str(jiesu), "check"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_warns_when_message_links_would_point_at_localhost(tmp_path: Path) -> None:
    """Rating links and "open in Jiesu" links use JIESU_SITE_URL: left at its local default, the deployment
    check says so."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiesu.settings.production",
        "SECRET_KEY": "x7#Qp2!vLm9@rT4$wZ8^kB1&nC6*yH3(dF5)gJ0-sA_eU" * 2,
        "ALLOWED_HOSTS": "jiesu.example.edu.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "JIESU_VAR_DIR": str(tmp_path),
    }
    for name in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "JIESU_SITE_URL"):
        env.pop(name, None)
    jiesu = Path(sys.executable).parent / "jiesu"
    result = subprocess.run(
        [str(jiesu), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "jiesu.notify.W001" in result.stdout + result.stderr
