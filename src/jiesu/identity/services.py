"""Writes of the identity app: signing a person in through an external identity service.

Who an external account is (issue 18), in this order (the matching itself is ``jiesu.identity.matching``, shared
with the directory's LDAP/OIDC sign-ins and sync):

1. the account is already linked (an ``ExternalIdentity``): that person;
2. the service's 学号/工号 (CAS: the number attribute; WeCom: the userid, which schools set to the 工号) is a
   person's number: link that person — never a superuser, whose local account stays the only way in;
3. CAS only: a new person, with the name, number and kind the service released and no local password.
   WeCom's sign-in tells only the userid, so an unknown userid is refused with a clear message.

Accounts are never matched by user name: a CAS user called ``admin`` is not the local ``admin``. Every outcome,
a refusal too, is written to the append-only ``SignInEvent`` log in the same transaction as the link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.identity.matching import (
    new_person,
    people_with_number,
    person_by_number,
    signs_in_with_password_only,
)
from jiesu.identity.models import ExternalIdentity, Provider, SignInEvent, SignInOutcome
from jiesu.identity.profiles import Profile
from jiesu.org.models import User


@dataclass(frozen=True)
class SignInResult:
    """A person signed in (``user``), or a refusal with its reason in Chinese for the page."""

    user: User | None
    outcome: str
    reason: str = ""


@dataclass(frozen=True)
class ExternalAccount:
    provider: str
    subject: str
    profile: Profile = field(default_factory=Profile)
    attributes: dict[str, Any] = field(default_factory=dict)


def _fill_blanks(user: User, profile: Profile) -> list[str]:
    """Fill what the person's record lacks; never overwrite what the school or the person entered."""
    changed = []
    if profile.full_name and not user.full_name:
        user.full_name = profile.full_name
        changed.append("full_name")
    if profile.number and not user.number and not people_with_number(profile.number).exists():
        user.number = profile.number
        changed.append("number")
    return changed


def _log(account: ExternalAccount, user: User | None, outcome: str, reason: str = "") -> SignInResult:
    SignInEvent.objects.create(
        provider=account.provider,
        subject=account.subject,
        user=user,
        outcome=outcome,
        reason=reason[:200],
        at=timezone.now(),
    )
    return SignInResult(
        user=user if outcome != SignInOutcome.REFUSED else None, outcome=outcome, reason=reason
    )


def _match_by_number(account: ExternalAccount) -> User | None:
    return person_by_number(
        account.profile.number or (account.subject if account.provider == Provider.WECOM else "")
    )


def _create_person(account: ExternalAccount) -> User:
    profile = account.profile
    user = new_person(number=profile.number, username=account.subject, prefix=account.provider)
    user.full_name = profile.full_name
    if profile.kind:
        user.kind = profile.kind
    user.save()
    return user


@transaction.atomic
def _sign_in(account: ExternalAccount, *, may_create: bool) -> SignInResult:
    now = timezone.now()
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider=account.provider, subject=account.subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        if not user.is_active:
            return _log(account, user, SignInOutcome.REFUSED, _("This account is disabled."))
        identity.last_seen = now
        identity.attributes = account.attributes
        identity.save(update_fields=["last_seen", "attributes"])
        changed = _fill_blanks(user, account.profile)
        if changed:
            user.save(update_fields=changed)
        return _log(account, user, SignInOutcome.SIGNED_IN)

    matched = _match_by_number(account)
    if matched is not None and signs_in_with_password_only(matched):
        return _log(
            account,
            matched,
            SignInOutcome.REFUSED,
            _("This student or staff number belongs to an account that signs in with its password only."),
        )
    if matched is not None:
        user, outcome = matched, SignInOutcome.LINKED
        changed = _fill_blanks(user, account.profile)
        if changed:
            user.save(update_fields=changed)
    elif may_create:
        user, outcome = _create_person(account), SignInOutcome.CREATED
    else:
        return _log(
            account,
            None,
            SignInOutcome.REFUSED,
            _(
                "Your WeCom account is not yet linked to a Jiesu account. Ask the Office to add your staff "
                "number, or sign in with the school's unified identity authentication."
            ),
        )
    ExternalIdentity.objects.create(
        provider=account.provider,
        subject=account.subject,
        user=user,
        attributes=account.attributes,
        first_seen=now,
        last_seen=now,
    )
    return _log(account, user, outcome)


def external_sign_in(*, account: ExternalAccount, may_create: bool) -> SignInResult:
    """Resolve an external account to a person (see the module's docstring), linking it on first sign-in.

    Two first sign-ins of one account at the same moment: the second meets the first's link (unique per
    provider and account) and is simply run again, now finding the link."""
    try:
        return _sign_in(account, may_create=may_create)
    except IntegrityError:
        return _sign_in(account, may_create=may_create)
