"""What the directory says, as plain records (no LDAP library here): units, people and the roles their groups
map to. ``ldapsource`` builds them from a server's entries, the LDAP sign-in from the person's own entry."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from jiesu.directory.conf import LdapConfig, RoleRule
from jiesu.org.models import UNIT_ROLES, RequesterKind, Role, UnitKind

# employeeType values a school's directory uses for the requester kinds (English or Chinese).
KIND_ALIASES: dict[str, RequesterKind] = {
    **{kind.value: kind for kind in RequesterKind},
    "teacher": RequesterKind.FACULTY,
    "学生": RequesterKind.STUDENT,
    "本科生": RequesterKind.STUDENT,
    "研究生": RequesterKind.STUDENT,
    "教师": RequesterKind.FACULTY,
    "职工": RequesterKind.STAFF,
    "教职工": RequesterKind.STAFF,
    "离退休": RequesterKind.RETIREE,
    "退休": RequesterKind.RETIREE,
}

Attrs = Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class UnitRecord:
    code: str
    name: str
    kind: str
    parent_code: str | None
    dn: str


@dataclass(frozen=True)
class PersonRecord:
    number: str
    full_name: str
    email: str
    phone: str
    kind: RequesterKind | None
    unit_code: str | None
    dn: str
    group_dns: frozenset[str] = frozenset()


@dataclass
class Snapshot:
    """Everything one read of the directory found; ``errors`` are entries that could not be read."""

    units: list[UnitRecord] = field(default_factory=list)
    people: list[PersonRecord] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def first(attrs: Attrs, *names: str) -> str:
    """The first non-empty value of the first attribute present (attribute names are case-insensitive)."""
    lowered = {key.lower(): values for key, values in attrs.items()}
    for name in names:
        for value in lowered.get(name.lower(), ()):
            if value and value.strip():
                return value.strip()
    return ""


def unit_record(dn: str, attrs: Attrs, *, parent_code: str | None) -> UnitRecord:
    """An ``organizationalUnit``: ``ou`` is the unit's code, ``description`` its name, ``businessCategory`` its
    kind (college, department, office, centre; office when absent or unknown)."""
    code = first(attrs, "ou")
    kind = first(attrs, "businessCategory").lower()
    return UnitRecord(
        code=code,
        name=first(attrs, "description") or code,
        kind=kind if kind in UnitKind.values else UnitKind.OFFICE,
        parent_code=parent_code,
        dn=dn,
    )


def person_record(dn: str, attrs: Attrs, config: LdapConfig, group_dns: Iterable[str] = ()) -> PersonRecord:
    return PersonRecord(
        number=first(attrs, config.number_attr),
        full_name=first(attrs, "displayName", config.name_attr),
        email=first(attrs, "mail"),
        phone=first(attrs, "mobile", "telephoneNumber"),
        kind=KIND_ALIASES.get(first(attrs, config.kind_attr).lower()),
        unit_code=first(attrs, config.unit_attr) or None,
        dn=dn,
        group_dns=frozenset(g.lower() for g in group_dns),
    )


def wanted_roles(
    groups: Iterable[str], rules: Mapping[str, RoleRule], *, own_unit: str | None
) -> tuple[set[tuple[Role, str | None]], list[str]]:
    """The roles a person's groups map to, as ``(role, unit code or None)``; only mapped groups give roles.
    A unit role without a unit (no explicit one, and the person has none) is a problem, returned as text."""
    wanted: set[tuple[Role, str | None]] = set()
    problems: list[str] = []
    for group in groups:
        rule = rules.get(group)
        if rule is None:
            continue
        if rule.role not in UNIT_ROLES:
            wanted.add((rule.role, None))
        elif rule.unit_code or own_unit:
            wanted.add((rule.role, rule.unit_code or own_unit))
        else:
            problems.append(f"{group}: {rule.role.value} needs a unit and the person has none")
    return wanted, problems
