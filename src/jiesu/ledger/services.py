"""Writes of the ledger app: the export audit record (R8.1, R10.2; issue 17 item 4) and a person's saved filters."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from jiesu.ledger.models import LedgerExport, SavedFilter
from jiesu.ledger.reports import LedgerReport
from jiesu.org.models import User
from jiesu.textcheck import control_character
from jiesu.tickets.errors import DomainError
from jiesu.tickets.services.exports import contacts_exported_record

REASON_MIN, REASON_MAX = 2, 500


def export_reason_clean(reason: str | None) -> str:
    """The reason a full-contact export must give: some words, no control characters; DomainError otherwise."""
    text = (reason or "").strip()
    if len(text) < REASON_MIN:
        raise DomainError(
            _("Give the reason for exporting full contacts (at least %(n)d characters).") % {"n": REASON_MIN},
            code="reason_required",
            field="reason",
        )
    if len(text) > REASON_MAX:
        raise DomainError(
            _("The reason is too long (at most %(n)d characters).") % {"n": REASON_MAX},
            code="reason_too_long",
            field="reason",
        )
    if control_character(text):
        raise DomainError(
            _("The reason contains control characters."), code="control_characters", field="reason"
        )
    return text


def ledger_export_record(
    *,
    actor: User | None,
    report: LedgerReport,
    row_count: int,
    source: str,
    full_contacts: bool,
    reason: str = "",
    full_ids: Sequence[int] = (),
) -> LedgerExport:
    """Record who exported which ledger, with which filters, how many rows and why (append-only).

    A full-contact export also notes itself in the history of every ticket whose contact it wrote in full, in
    the same transaction (batched inserts, one per 2,000 tickets).
    """
    if full_contacts:
        reason = export_reason_clean(reason)
    with transaction.atomic():
        record = LedgerExport.objects.create(
            user=actor,
            at=timezone.now(),
            source=source,
            scope=report.scope.kind.value,
            filters=report.filters.as_json()
            | ({"units": sorted(report.scope.unit_ids)} if report.scope.unit_ids else {}),
            row_count=row_count,
            full_contacts=full_contacts,
            reason=reason if full_contacts else "",
            full_count=len(full_ids) if full_contacts else 0,
        )
        if full_contacts and full_ids:
            contacts_exported_record(actor=actor, ticket_ids=full_ids, export_id=record.pk, reason=reason)
    return record


SAVED_FILTERS_MAX = 20
_NOT_SAVED = ("after", "before", "csrfmiddlewaretoken", "name")


class SavedFilterError(ValueError):
    """A saved filter refused, with a message for the person."""


def saved_filter_save(*, actor: User, name: str, query: QueryDict) -> SavedFilter:
    """Save (or overwrite, by name) the ledger's current filters under ``name`` for ``actor``."""
    name = name.strip()
    if not name:
        raise SavedFilterError(_("Give the filter a name."))
    if len(name) > SavedFilter._meta.get_field("name").max_length:  # type: ignore[operator]
        raise SavedFilterError(_("The name is too long (at most 40 characters)."))
    kept = query.copy()
    for key in _NOT_SAVED:
        kept.pop(key, None)
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(user=actor, name=name).first()
        if existing is None and SavedFilter.objects.filter(user=actor).count() >= SAVED_FILTERS_MAX:
            raise SavedFilterError(
                _("You have %(n)d saved filters already; delete one first.") % {"n": SAVED_FILTERS_MAX}
            )
        saved, _created = SavedFilter.objects.update_or_create(
            user=actor,
            name=name,
            defaults={"query": kept.urlencode()[:1000], "created_at": timezone.now()},
        )
    return saved


def saved_filter_delete(*, actor: User, pk: int) -> None:
    """Delete one of ``actor``'s own saved filters (someone else's is left alone)."""
    SavedFilter.objects.filter(user=actor, pk=pk).delete()
