"""A person's own account (issue 18 item 6): the contact details that pre-fill their new requests."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from jiesu.org.models import User
from jiesu.people.errors import PeopleError
from jiesu.people.models import PeopleAction
from jiesu.people.services import PHONE, log
from jiesu.textcheck import is_single_email


@transaction.atomic
def account_contacts_update(*, user: User, phone: str, email: str) -> User:
    """Change one's own mobile phone and e-mail address (both may be empty); the change is logged. The e-mail
    address is also where a password reset link and e-mail notifications go."""
    phone, email = (phone or "").strip(), (email or "").strip()
    if phone and not PHONE.match(phone):
        raise PeopleError(_("The mobile phone number is not valid."), code="phone")
    if email and not is_single_email(email):
        raise PeopleError(_("The email address is not valid."), code="email")
    person = User.objects.select_for_update().get(pk=user.pk)
    changed = {
        key: [old, new]
        for key, old, new in (("phone", person.phone, phone), ("email", person.email, email))
        if old != new
    }
    if not changed:
        return person
    person.phone, person.email = phone, email
    person.save(update_fields=list(changed))
    user.phone, user.email = phone, email
    log(
        actor=person,
        action=PeopleAction.ACCOUNT_CHANGED,
        person=person,
        summary=_("%(name)s changed their contact details") % {"name": person},
        details=changed,
    )
    return person
