"""Writes of the directory app: units and people kept from the campus directory (issue 18).

``directory_apply`` writes one snapshot of the directory in one transaction: units first (parents before
children), then people with the roles their groups map to, then it retires what the directory kept before and
no longer lists. Each change is logged (``DirectoryChange``) in the same transaction; a dry run does it all and
rolls back, so its report is exactly what a real run would do. Running it twice changes nothing the second
time. The sign-ins (LDAP, OIDC) write one person through ``person_apply``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError, transaction
from django.utils import timezone

from jiesu.directory.models import DirectoryChange, DirectoryPerson, DirectoryUnit, SyncRun
from jiesu.directory.records import PersonRecord, Snapshot, UnitRecord, wanted_roles
from jiesu.identity.matching import new_person, person_by_number
from jiesu.org.models import Membership, Role, Unit, User
from jiesu.people.services import open_work

Grant = tuple[str, int | None]  # (role, unit id)
UNIT_FIELDS = ("name", "kind", "parent_id", "is_active")
PERSON_FIELDS = ("full_name", "email", "phone", "kind", "is_active")


class DirectoryError(Exception):
    """One unit or person the directory lists that cannot be written; the run goes on without it."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0

    def count(self, action: str | None) -> None:
        setattr(self, action or "unchanged", getattr(self, action or "unchanged") + 1)


@dataclass
class SyncReport:
    dry_run: bool = False
    units: Tally = field(default_factory=Tally)
    people: Tally = field(default_factory=Tally)
    errors: list[dict[str, str]] = field(default_factory=list)

    def error(self, target: str, key: str, message: str) -> None:
        self.errors.append({"target": target, "key": key, "message": message})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Context:
    source: str
    run: SyncRun | None
    now: dt.datetime


def _log(ctx: _Context, target: str, key: str, action: str, changes: dict[str, Any]) -> None:
    DirectoryChange.objects.create(
        run=ctx.run, source=ctx.source, target=target, key=key, action=action, changes=changes, at=ctx.now
    )


def _assign(obj: Any, fields: tuple[str, ...], values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``values`` on ``obj``; return the changed fields as ``{field: [old, new]}``."""
    changes = {}
    for name in fields:
        if name in values and getattr(obj, name) != values[name]:
            changes[name] = [getattr(obj, name), values[name]]
            setattr(obj, name, values[name])
    return changes


# --- Units ---


def _unit_validate(record: UnitRecord) -> int | None:
    """Raise ``DirectoryError`` unless the record can be a unit; return its parent's id."""
    try:
        validate_slug(record.code)
    except ValidationError:
        raise DirectoryError(
            f"unit code {record.code!r} is not a valid code (letters, digits, - and _)"
        ) from None
    if not record.name or len(record.name) > 64:
        raise DirectoryError("a unit needs a name of at most 64 characters")
    if Unit.objects.filter(name=record.name).exclude(code=record.code).exists():
        raise DirectoryError(f"another unit is already named {record.name}")
    if not record.parent_code:
        return None
    parent_id = Unit.objects.filter(code=record.parent_code).values_list("pk", flat=True).first()
    if parent_id is None:
        raise DirectoryError(f"parent unit {record.parent_code} is not known")
    return parent_id


def _unit_upsert(record: UnitRecord, *, ctx: _Context) -> str | None:
    """Create or update one unit; a unit the directory retired is active again once listed, one the app
    deactivated stays so."""
    values: dict[str, Any] = {"name": record.name, "kind": record.kind, "parent_id": _unit_validate(record)}
    unit = Unit.objects.filter(code=record.code).first()
    if unit is not None and DirectoryUnit.objects.filter(unit=unit).exclude(retired_at=None).exists():
        values["is_active"] = True
    action: str | None = None
    if unit is None:
        unit = Unit.objects.create(code=record.code, **values)
        changes = {name: [None, value] for name, value in values.items()}
        action = DirectoryChange.Action.CREATED
    else:
        changes = _assign(unit, UNIT_FIELDS, values)
        if changes:
            unit.save(update_fields=[name.removesuffix("_id") for name in changes])
            action = DirectoryChange.Action.UPDATED
    link, _new = DirectoryUnit.objects.get_or_create(unit=unit, defaults={"dn": record.dn})
    if (link.dn, link.retired_at) != (record.dn, None):
        link.dn, link.retired_at = record.dn, None
        link.save(update_fields=["dn", "retired_at"])
    if action:
        _log(ctx, "unit", record.code, action, changes)
    return action


def _retire_refusal(unit: Unit, leaving: set[str]) -> str | None:
    """Why ``unit`` cannot retire yet, as the people app refuses it (no request is left without a unit, no
    active unit under a retired one), or None. The link stays unretired, so the next sync tries again."""
    tickets, requests = open_work(unit)
    if tickets or requests:
        return (
            f"unit {unit.code} is gone from the directory but still leads {tickets} open request(s) and owes "
            f"{requests} co-handling answer(s); it stays active until they are finished or re-dispatched"
        )
    children = unit.children.filter(is_active=True).exclude(code__in=leaving)
    if children.exists():
        return f"unit {unit.code} is gone from the directory but active units remain under it"
    return None


def _retire_units(seen: set[str], *, ctx: _Context, report: SyncReport) -> None:
    links = list(
        DirectoryUnit.objects.filter(retired_at=None).exclude(unit__code__in=seen).select_related("unit")
    )
    leaving: set[str] = set()
    for link in links:
        if (refusal := _retire_refusal(link.unit, {other.unit.code for other in links})) is None:
            leaving.add(link.unit.code)
        else:
            report.error("unit", link.unit.code, refusal)
    for link in links:
        unit = link.unit
        if unit.code not in leaving:
            continue
        if unit.is_active:
            unit.is_active = False
            unit.save(update_fields=["is_active"])
        link.retired_at = ctx.now
        link.save(update_fields=["retired_at"])
        _log(ctx, "unit", unit.code, DirectoryChange.Action.RETIRED, {"is_active": [True, False]})
        report.units.retired += 1


# --- People ---


def _roles_wanted(record: PersonRecord, rules: dict[str, Any]) -> tuple[set[Grant], list[str]]:
    """The (role, unit id) pairs the person's groups map to, and the mapped roles that cannot be given (no
    unit, a unit the app does not know or has retired)."""
    wanted, problems = wanted_roles(record.group_dns, rules, own_unit=record.unit_code)
    codes = {code for _role, code in wanted if code}
    units = dict(Unit.objects.filter(code__in=codes, is_active=True).values_list("code", "pk"))
    problems += [f"unit {code} is not known or not active" for code in sorted(codes - set(units))]
    grants = {
        (role.value, units[code] if code else None) for role, code in wanted if not code or code in units
    }
    return grants, problems


def _held(user: User) -> set[Grant]:
    return set(Membership.objects.filter(user=user).values_list("role", "unit_id"))


def _heads_taken(user: User, adding: set[Grant]) -> dict[Grant, str]:
    """R3.1: a unit has one head; the directory never takes the post from someone the app made head."""
    taken: dict[Grant, str] = {}
    for role, unit_id in adding:
        if role == Role.UNIT_HEAD and unit_id is not None:
            other = (
                Membership.objects.filter(role=role, unit_id=unit_id)
                .exclude(user=user)
                .select_related("unit")
            )
            if (head := other.first()) is not None:
                taken[(role, unit_id)] = (
                    f"{head.unit} already has a head; the directory's head is not appointed"
                )
    return taken


def _post_to_keep(user: User, grant: Grant, problems: list[str]) -> bool:
    """R3.1: an active unit keeps its head and its last information officer. A person still listed who left
    the group keeps the post until the app hands it over (reported); True when the post is kept."""
    role, unit_id = grant
    if unit_id is None or role not in (Role.UNIT_HEAD, Role.INFO_OFFICER):
        return False
    unit = Unit.objects.filter(pk=unit_id, is_active=True).first()
    if unit is None:
        return False
    if role == Role.UNIT_HEAD:
        problems.append(f"{unit.code}: a unit must keep a head; replace the head in the app to hand it over")
        return True
    others = Membership.objects.filter(unit=unit, role=role, user__is_active=True).exclude(user=user)
    if others.exists():
        return False
    problems.append(f"{unit.code}: the only information officer stays until another one is assigned")
    return True


def _apply_roles(
    user: User,
    link: DirectoryPerson,
    wanted: set[Grant],
    problems: list[str],
    *,
    keep_posts: bool = True,
) -> dict[str, list[Any]]:
    """Grant the wanted roles the person lacks and revoke those the directory granted and no longer wants;
    roles given in the app are never touched. A head post already filled is added to ``problems``; so is a
    head or last information officer post the person keeps (``_post_to_keep``) unless ``keep_posts`` is off
    (a person gone from the directory leaves every post: the unit is then on the people app's R3.1 list)."""
    held = _held(user)
    before = {tuple(pair) for pair in link.granted}
    taken = _heads_taken(user, wanted - held)
    problems.extend(taken.values())
    wanted = wanted - set(taken)
    adding = wanted - held
    revoking = (before - wanted) & held
    if keep_posts:
        kept = {grant for grant in revoking if _post_to_keep(user, grant, problems)}
        revoking -= kept
        wanted |= kept
    Membership.objects.bulk_create(
        [Membership(user=user, role=r, unit_id=u) for r, u in sorted(adding, key=str)]
    )
    for role, unit_id in revoking:
        Membership.objects.filter(user=user, role=role, unit_id=unit_id).delete()
    link.granted = sorted(([r, u] for r, u in (before & wanted) | adding), key=str)
    if not adding and not revoking:
        return {}
    return {
        "roles": [sorted(map(list, held), key=str), sorted(map(list, (held - revoking) | adding), key=str)]
    }


def _person_values(record: PersonRecord) -> dict[str, Any]:
    values: dict[str, Any] = {"full_name": record.full_name[:64]}
    if record.email:
        values["email"] = record.email
    if record.phone:
        values["phone"] = record.phone[:32]
    if record.kind:
        values["kind"] = record.kind.value
    return values


def _person_find_or_build(number: str) -> tuple[User, bool]:
    user = person_by_number(number)
    if user is None:
        return new_person(number=number, username=number, prefix="directory"), True
    if user.is_superuser:
        raise DirectoryError(f"{number} belongs to a superuser, whose local account stays the only way in")
    return user, False


def person_apply(
    record: PersonRecord, *, rules: dict[str, Any], ctx: _Context, user: User | None = None
) -> tuple[User, str | None, list[str]]:
    """Create or update one person from the directory and set the roles their groups map to; returns the
    person, ``created`` / ``updated`` / ``None`` (unchanged) and the mapped roles that could not be given.
    Raises ``DirectoryError`` with nothing written when the entry cannot be a person. A person the directory
    retired is active again once listed; one the app disabled stays disabled."""
    if not record.number or len(record.number) > 32:
        raise DirectoryError("the entry has no usable 学号/工号")
    if user is None:
        user, built = _person_find_or_build(record.number)
    elif user.is_superuser:
        raise DirectoryError(
            f"{record.number} belongs to a superuser, whose local account stays the only way in"
        )
    else:
        built = user.pk is None
    link = None if built else DirectoryPerson.objects.filter(user=user).first()
    values = _person_values(record)
    if built or (link is not None and link.retired_at is not None):
        values["is_active"] = True
    changes = _assign(user, PERSON_FIELDS, values)
    if built:
        user.save()
        changes = {name: [None, value] for name, value in values.items()}
    elif changes:
        user.save(update_fields=list(changes))
    if link is None:
        link = DirectoryPerson.objects.create(user=user, dn=record.dn)
    wanted, problems = _roles_wanted(record, rules)
    changes.update(_apply_roles(user, link, wanted, problems))
    if link.dn != record.dn:
        changes["dn"] = [link.dn, record.dn]
    link.dn, link.retired_at = record.dn, None
    link.save(update_fields=["dn", "retired_at", "granted"])
    action = (
        DirectoryChange.Action.CREATED if built else (DirectoryChange.Action.UPDATED if changes else None)
    )
    if action:
        _log(ctx, "person", record.number, action, changes)
    return user, action, problems


def _retire_people(seen: set[str], *, ctx: _Context, report: SyncReport) -> None:
    links = (
        DirectoryPerson.objects.filter(retired_at=None).exclude(user__number__in=seen).select_related("user")
    )
    for link in links:
        user = link.user
        held = _held(user)
        revoked = _apply_roles(user, link, set(), [], keep_posts=False)
        left = [
            unit_id
            for role, unit_id in held - _held(user)
            if unit_id is not None and role in (Role.UNIT_HEAD, Role.INFO_OFFICER)
        ]
        for code in Unit.objects.filter(pk__in=left, is_active=True).values_list("code", flat=True):
            report.error(
                "person", user.number, f"left the directory and held a post in {code}: appoint a successor"
            )
        if user.is_active:
            user.is_active = False
            user.save(update_fields=["is_active"])
        link.retired_at = ctx.now
        link.save(update_fields=["retired_at", "granted"])
        _log(
            ctx,
            "person",
            user.number,
            DirectoryChange.Action.RETIRED,
            {"is_active": [True, False], **revoked},
        )
        report.people.retired += 1


# --- The sync ---


def _depth(record: UnitRecord) -> int:
    return record.dn.count(",")


def _apply_units(snapshot: Snapshot, *, ctx: _Context, report: SyncReport) -> set[str]:
    seen: set[str] = set()
    for record in sorted(snapshot.units, key=_depth):
        seen.add(record.code)
        try:
            with transaction.atomic():
                report.units.count(_unit_upsert(record, ctx=ctx))
        except (DirectoryError, DatabaseError) as exc:
            report.error("unit", record.code or record.dn, str(exc))
    return seen


def _apply_people(
    snapshot: Snapshot, rules: dict[str, Any], *, ctx: _Context, report: SyncReport
) -> set[str]:
    seen: set[str] = set()
    for record in snapshot.people:
        seen.add(record.number)
        try:
            with transaction.atomic():
                _user, action, problems = person_apply(record, rules=rules, ctx=ctx)
        except (DirectoryError, DatabaseError) as exc:
            report.error("person", record.number or record.dn, str(exc))
            continue
        report.people.count(action)
        for problem in problems:
            report.error("person", record.number, problem)
    return seen


def directory_apply(
    snapshot: Snapshot, *, rules: dict[str, Any], trigger: str, dry_run: bool = False
) -> SyncReport:
    """Write one snapshot of the directory (see the module docstring). A snapshot without any person retires
    nobody: an empty answer is far likelier a broken search than a school without people."""
    report = SyncReport(dry_run=dry_run, errors=list(snapshot.errors))
    now = timezone.now()
    with transaction.atomic():
        run = None if dry_run else SyncRun.objects.create(trigger=trigger, started_at=now)
        ctx = _Context(source=DirectoryChange.Source.SYNC, run=run, now=now)
        units_seen = _apply_units(snapshot, ctx=ctx, report=report)
        if snapshot.people:  # units first, so a post in a unit that retires is not kept for it
            _retire_units(units_seen, ctx=ctx, report=report)
        people_seen = _apply_people(snapshot, rules, ctx=ctx, report=report)
        if snapshot.people:
            _retire_people(people_seen, ctx=ctx, report=report)
        else:
            report.error("directory", "", "the directory listed no person; nobody and no unit was retired")
        if run is not None:
            run.finished_at = timezone.now()
            run.report = report.as_dict()
            run.ok = not report.errors
            run.save(update_fields=["finished_at", "report", "ok"])
        if dry_run:
            transaction.set_rollback(True)
    return report


def directory_signin_apply(
    record: PersonRecord, *, user: User | None, rules: dict[str, Any], source: str
) -> User:
    """A person signing in through the directory (LDAP) or the identity provider (OIDC): their entry's details
    and mapped roles are written as the sync writes them, logged with the sign-in as source. A mapped role that
    cannot be given is left out (the nightly sync reports it)."""
    ctx = _Context(source=source, run=None, now=timezone.now())
    with transaction.atomic():
        return person_apply(record, rules=rules, ctx=ctx, user=user)[0]
