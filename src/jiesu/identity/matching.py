"""Who an external account is: every identity service — CAS and WeCom here, OIDC, LDAP sign-in and the nightly
directory sync in ``jiesu.directory`` — maps its account to a ``User`` through these functions (issue 18).

The key is the 学号/工号 (``User.number``), never the account name or the e-mail: a CAS user called ``admin`` is
not the local ``admin``. A superuser (or a disabled account) is never taken over by an external service: its
local password stays the only way in.
"""

from __future__ import annotations

from django.db.models import QuerySet

from jiesu.org.models import User


def people_with_number(number: str) -> QuerySet[User]:
    """The people whose 学号/工号 is ``number`` (none for an empty number), for callers that need a queryset."""
    number = (number or "").strip()
    return User.objects.filter(number=number) if number else User.objects.none()


def person_by_number(number: str) -> User | None:
    return people_with_number(number).first()


def signs_in_with_password_only(user: User) -> bool:
    """A superuser or a disabled account is never linked to, nor written by, an external service."""
    return user.is_superuser or not user.is_active


def free_username(preferred: str, prefix: str) -> str:
    """``preferred`` when no local account has it, else ``<prefix>-<preferred>`` (then numbered)."""
    candidates = [preferred[:150], f"{prefix}-{preferred}"[:150]]
    candidates += [f"{prefix}-{preferred}"[:140] + f"-{n}" for n in range(2, 100)]
    taken = set(User.objects.filter(username__in=candidates).values_list("username", flat=True))
    return next(name for name in candidates if name not in taken)


def new_person(*, number: str, username: str, prefix: str) -> User:
    """An unsaved person for an external account: a free account name and no local password (they sign in
    through the service that created them)."""
    user = User(username=free_username(username, prefix), number=number)
    user.set_unusable_password()
    return user
