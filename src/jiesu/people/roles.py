"""Role assignments (Membership) and R3.1: each unit has exactly one head and at least one information officer.

The services never create a breach: a second head is refused (the head is *replaced* instead), and the head
or the last information officer of an active unit cannot simply be withdrawn. Units that break the rule anyway
(a new unit, a person who left) are listed by ``selectors.rule_breaches``.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiesu.org.models import UNIT_ROLES, Membership, Role, Unit, User
from jiesu.people.errors import PeopleError
from jiesu.people.models import PeopleAction
from jiesu.people.services import log

# School-wide roles that are never tied to a unit; the leader may be (分管: the units a leader is in charge of).
SCHOOL_ONLY = frozenset({Role.INSPECTOR, Role.ASSESSOR, Role.SYSADMIN})


def _where(role: Role, unit: Unit | None) -> str:
    return f"{unit.name}{role.label}" if unit else str(role.label)


def _check_target(person: User, role: Role, unit: Unit | None) -> None:
    if not person.is_active:
        raise PeopleError(_("%(name)s's account is disabled.") % {"name": person}, code="inactive")
    if role in UNIT_ROLES and unit is None:
        raise PeopleError(_("Choose the unit for this role."), code="unit_required")
    if role in SCHOOL_ONLY and unit is not None:
        raise PeopleError(_("This role is school-wide: leave the unit empty."), code="school_wide")
    if unit is not None and not unit.is_active:
        raise PeopleError(_("%(unit)s is retired.") % {"unit": unit.name}, code="retired")


@transaction.atomic
def role_grant(*, actor: User, person: User, role: Role, unit: Unit | None) -> Membership:
    """Give ``person`` ``role`` (in ``unit`` where the role is unit-scoped). R3.1: a unit that has a head gets
    no second one — replace the head instead."""
    role = Role(role)
    _check_target(person, role, unit)
    if unit is not None:
        Unit.objects.select_for_update().get(pk=unit.pk)  # one assignment to a unit at a time
    if Membership.objects.filter(user=person, role=role, unit=unit).exists():
        raise PeopleError(
            _("%(name)s already holds this role: %(where)s.") % {"name": person, "where": _where(role, unit)},
            code="duplicate",
        )
    if role == Role.UNIT_HEAD and unit is not None:
        current = Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD).select_related("user").first()
        if current is not None:
            raise PeopleError(
                _(
                    "%(unit)s already has a head (%(name)s): a unit has exactly one head. "
                    "Use “Replace the head” to hand the role over."
                )
                % {"unit": unit.name, "name": current.user},
                code="second_head",
            )
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=person, role=role, unit=unit)
    except IntegrityError as exc:  # a concurrent assignment won the race
        raise PeopleError(
            _("Someone else changed these roles at the same time; try again."), code="race"
        ) from exc
    log(
        actor=actor,
        action=PeopleAction.ROLE_GRANTED,
        unit=unit,
        person=person,
        summary=_("%(name)s became %(where)s") % {"name": person, "where": _where(role, unit)},
        details={"role": role.value, "user": person.username},
    )
    return membership


@transaction.atomic
def head_replace(*, actor: User, unit: Unit, person: User) -> Membership:
    """Hand the head role of ``unit`` to ``person`` in one step: the old head's membership ends and the new
    one starts in the same transaction, so the unit never has two heads nor, in between, none."""
    _check_target(person, Role.UNIT_HEAD, unit)
    Unit.objects.select_for_update().get(pk=unit.pk)
    current = Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD).select_related("user").first()
    if current is not None and current.user_id == person.pk:
        raise PeopleError(
            _("%(name)s is already the head of %(unit)s.") % {"name": person, "unit": unit.name},
            code="duplicate",
        )
    old = current.user if current else None
    if current is not None:
        current.delete()
    membership = Membership.objects.create(user=person, role=Role.UNIT_HEAD, unit=unit)
    log(
        actor=actor,
        action=PeopleAction.HEAD_REPLACED,
        unit=unit,
        person=person,
        summary=_("%(name)s became the head of %(unit)s (before: %(old)s)")
        % {"name": person, "unit": unit.name, "old": old or _("none")},
        details={"old": old.username if old else None, "new": person.username},
    )
    return membership


@transaction.atomic
def role_revoke(*, actor: User, membership: Membership) -> None:
    """Withdraw a role. R3.1: the head of an active unit is replaced, not withdrawn, and its last information
    officer stays until another one is assigned."""
    membership = Membership.objects.select_related("user", "unit").get(pk=membership.pk)
    unit, role, person = membership.unit, Role(membership.role), membership.user
    if unit is not None and unit.is_active:
        Unit.objects.select_for_update().get(pk=unit.pk)
        if role == Role.UNIT_HEAD:
            raise PeopleError(
                _("%(unit)s must keep a head: use “Replace the head” to hand the role to someone else.")
                % {"unit": unit.name},
                code="last_head",
            )
        if (
            role == Role.INFO_OFFICER
            and not Membership.objects.filter(unit=unit, role=Role.INFO_OFFICER, user__is_active=True)
            .exclude(pk=membership.pk)
            .exists()
        ):
            raise PeopleError(
                _(
                    "%(name)s is the only information officer of %(unit)s, which must have at least one: "
                    "assign another first."
                )
                % {"name": person, "unit": unit.name},
                code="last_officer",
            )
    membership.delete()
    log(
        actor=actor,
        action=PeopleAction.ROLE_REVOKED,
        unit=unit,
        person=person,
        summary=_("%(name)s is no longer %(where)s") % {"name": person, "where": _where(role, unit)},
        details={"role": role.value, "user": person.username},
    )
