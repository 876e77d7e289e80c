"""The directory sync as the nightly task and ``jiesu sync-directory`` run it: read the directory, then write it."""

from __future__ import annotations

import logging

from jiesu.directory.conf import ldap_config
from jiesu.directory.services import SyncReport, directory_apply

log = logging.getLogger(__name__)


class DirectoryUnavailable(Exception):
    """LDAP is not configured, python-ldap is not installed, or the server could not be read."""


def directory_sync(*, trigger: str, dry_run: bool = False) -> SyncReport:
    config = ldap_config()
    if not config.enabled:
        raise DirectoryUnavailable("LDAP is not configured (JIESU_LDAP_SERVER_URI is unset)")
    from jiesu.directory.ldapsource import ldap_available, read_directory  # noqa: PLC0415

    if not ldap_available():
        raise DirectoryUnavailable("python-ldap is not installed (pip install 'jiesu[ldap]')")
    import ldap  # noqa: PLC0415

    try:
        snapshot = read_directory(config)
    except ldap.LDAPError as exc:
        raise DirectoryUnavailable(f"the directory could not be read: {exc}") from exc
    return directory_apply(snapshot, rules=config.group_roles, trigger=trigger, dry_run=dry_run)
