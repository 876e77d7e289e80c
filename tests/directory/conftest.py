"""A real OpenLDAP server for the directory tests: Debian's ``slapd`` started on a free port with a temporary
configuration and the test directory (``directory.ldif``), never the system's service. Without python-ldap or
slapd the LDAP tests are skipped with the reason; under CI (``CI`` set, where ``.ci/run`` installs both) they
fail instead, so a broken install cannot pass unnoticed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SUFFIX = "dc=example,dc=edu,dc=cn"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "directory-admin-secret"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
UNITS = f"ou=units,{SUFFIX}"
GROUP_ROLES = {
    f"cn=jiesu-unit-heads,{GROUPS}": "unit_head",
    f"cn=jiesu-info-officers,{GROUPS}": "info_officer",
    f"cn=jiesu-leaders,{GROUPS}": "leader",
}
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")


def _missing() -> str | None:
    try:
        import ldap  # noqa: F401
    except ImportError:
        return "python-ldap is not installed (optional extra 'ldap'; building it needs libldap2-dev libsasl2-dev)"
    if not _slapd():
        return "OpenLDAP's slapd is not installed (apt-get install slapd ldap-utils)"
    return None


def _slapd() -> str | None:
    return shutil.which("slapd") or next((p for p in ("/usr/sbin/slapd",) if os.access(p, os.X_OK)), None)


def require_ldap() -> None:
    """Skip (fail under CI) when python-ldap or slapd is missing."""
    reason = _missing()
    if reason and os.environ.get("CI"):
        pytest.fail(f"CI must run the LDAP tests: {reason}")
    if reason:
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Slapd:
    uri: str
    root: Path

    def connect(self):  # noqa: ANN201 - an ldap connection bound as the directory's administrator
        import ldap

        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn

    def settings(self, **overrides: object) -> dict[str, object]:
        """``settings.JIESU_LDAP`` for this server (what the JIESU_LDAP_* environment would give)."""
        return {
            "server_uri": self.uri,
            "bind_dn": ADMIN_DN,
            "bind_password": ADMIN_PASSWORD,
            "people_base": PEOPLE,
            "groups_base": GROUPS,
            "units_base": UNITS,
            "group_roles": dict(GROUP_ROLES),
            **overrides,
        }


def _config(root: Path) -> Path:
    schema_dir = Path("/etc/ldap/schema")
    lines = [f"include {schema_dir / (name + '.schema')}" for name in SCHEMAS]
    lines += [
        "modulepath /usr/lib/ldap",
        "moduleload back_mdb",
        f"pidfile {root / 'slapd.pid'}",
        "database mdb",
        "maxsize 16777216",
        f'suffix "{SUFFIX}"',
        f'rootdn "{ADMIN_DN}"',
        f"rootpw {ADMIN_PASSWORD}",
        f"directory {root / 'data'}",
        "access to attrs=userPassword by self write by anonymous auth by * none",
        "access to * by * read",
    ]
    conf = root / "slapd.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "data").mkdir()
    return conf


@pytest.fixture
def slapd(tmp_path: Path) -> Iterator[Slapd]:
    """A fresh slapd with the test directory, for one test (a test may change the directory)."""
    require_ldap()
    binary = _slapd()
    assert binary
    conf = _config(tmp_path)
    subprocess.run(
        [binary, "-T", "add", "-f", str(conf), "-l", str(HERE / "directory.ldif")],
        check=True,
        capture_output=True,
    )
    uri = f"ldap://127.0.0.1:{_free_port()}/"
    proc = subprocess.Popen(
        [binary, "-f", str(conf), "-h", uri, "-d", "0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    server = Slapd(uri=uri, root=tmp_path)
    try:
        _wait_until_up(server, proc)
        yield server
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait_until_up(server: Slapd, proc: subprocess.Popen) -> None:
    import ldap

    deadline = time.monotonic() + 15
    while True:
        try:
            server.connect().unbind_s()
            return
        except ldap.SERVER_DOWN:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"slapd did not start: {proc.stderr.read() if proc.stderr else ''}"
                ) from None
            time.sleep(0.05)
