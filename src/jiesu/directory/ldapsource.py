"""Reading the campus directory over LDAP (python-ldap, an optional extra: ``pip install jiesu[ldap]``).

One bound connection reads the units, the groups and the people, each search paged (RFC 2696) so a school of
tens of thousands is read whatever the server's size limit. Only this module and ``backends`` import ``ldap``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jiesu.directory.conf import LdapConfig
from jiesu.directory.records import Snapshot, person_record, unit_record

PAGE_SIZE = 500


def ldap_available() -> bool:
    try:
        import ldap  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def connect(config: LdapConfig) -> Any:
    import ldap  # noqa: PLC0415 - optional dependency

    conn = ldap.initialize(config.server_uri)
    conn.set_option(ldap.OPT_REFERRALS, 0)
    conn.set_option(ldap.OPT_NETWORK_TIMEOUT, config.timeout)
    conn.set_option(ldap.OPT_TIMEOUT, config.timeout)
    if config.start_tls:
        conn.start_tls_s()
    conn.simple_bind_s(config.bind_dn, config.bind_password)
    return conn


def _decode(attrs: dict[str, list[bytes]]) -> dict[str, list[str]]:
    return {key: [v.decode("utf-8", "replace") for v in values] for key, values in attrs.items()}


def paged_search(
    conn: Any, base: str, filterstr: str, attrlist: list[str] | None = None
) -> Iterator[tuple[str, dict[str, list[str]]]]:
    """Every entry under ``base`` matching ``filterstr``, a page at a time."""
    import ldap  # noqa: PLC0415
    from ldap.controls import SimplePagedResultsControl  # noqa: PLC0415

    control = SimplePagedResultsControl(True, size=PAGE_SIZE, cookie="")
    while True:
        msgid = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr, attrlist, serverctrls=[control])
        _type, data, _msgid, controls = conn.result3(msgid)
        for dn, attrs in data:
            if dn:  # referrals come without a DN
                yield dn, _decode(attrs)
        cookies = [c.cookie for c in controls if c.controlType == SimplePagedResultsControl.controlType]
        if not cookies or not cookies[0]:
            return
        control.cookie = cookies[0]


def _parent_code(dn: str, units_base: str) -> str | None:
    """The code of the unit an ``ou`` entry sits under, None for a top-level unit."""
    import ldap.dn  # noqa: PLC0415

    parts = ldap.dn.str2dn(dn)[1:]
    base = ldap.dn.str2dn(units_base)
    if len(parts) <= len(base):
        return None
    attr, value, _flags = parts[0][0]
    return value if attr.lower() == "ou" else None


def _group_members(conn: Any, config: LdapConfig) -> dict[str, set[str]]:
    """Member DN (lower case) → the DNs (lower case) of the groups listing it (groupOfNames / groupOfUniqueNames)."""
    groups: dict[str, set[str]] = {}
    if not config.groups_base:
        return groups
    found = paged_search(
        conn,
        config.groups_base,
        "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))",
        ["member", "uniqueMember"],
    )
    for dn, attrs in found:
        for member in attrs.get("member", []) + attrs.get("uniqueMember", []):
            groups.setdefault(member.lower(), set()).add(dn.lower())
    return groups


def read_directory(config: LdapConfig) -> Snapshot:
    """Read the units, people and group memberships. Raises ``ldap.LDAPError`` when the server cannot be read."""
    snapshot = Snapshot()
    conn = connect(config)
    try:
        if config.units_base:
            for dn, attrs in paged_search(conn, config.units_base, "(objectClass=organizationalUnit)"):
                if dn.lower() != config.units_base.lower():
                    snapshot.units.append(
                        unit_record(dn, attrs, parent_code=_parent_code(dn, config.units_base))
                    )
        groups = _group_members(conn, config)
        for dn, attrs in paged_search(conn, config.people_base, config.people_filter):
            record = person_record(dn, attrs, config, groups.get(dn.lower(), ()))
            if not record.number:
                snapshot.errors.append({"target": "person", "key": dn, "message": f"no {config.number_attr}"})
                continue
            snapshot.people.append(record)
    finally:
        conn.unbind_s()
    return snapshot
