"""Importing people from Excel: the template, the upload with its preview, the confirmation."""

from __future__ import annotations

import hashlib
from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jiesu.org.models import User
from jiesu.people import imports
from jiesu.people.errors import PeopleError
from jiesu.people.forms import ImportForm
from jiesu.people.permissions import people_admin_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024
_SESSION_KEY = "people_import"


@require_GET
@people_admin_required
def template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(imports.template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename=\"people-template.xlsx\"; filename*=UTF-8''%E4%BA%BA%E5%91%98%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


@people_admin_required
def upload(request: HttpRequest) -> HttpResponse:
    """Upload a sheet: every row is checked and shown; only a sheet without errors can be confirmed. The checked
    rows wait in the session (server-side) for the confirmation, which checks them again."""
    form = ImportForm(request.POST or None, request.FILES or None)
    check = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file is larger than 5 MB."))
        else:
            data = upload.read()
            check = imports.read_sheet(data)
            if check.ok:
                request.session[_SESSION_KEY] = {
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "rows": [[r.line, r.values] for r in check.rows],
                }
            else:
                request.session.pop(_SESSION_KEY, None)
    pending = request.session.get(_SESSION_KEY) if check is not None and check.ok else None
    status = 400 if form.errors or (check is not None and not check.ok) else 200
    return render(
        request, "people/import.html", {"form": form, "check": check, "pending": pending}, status=status
    )


@people_admin_required
def confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(_SESSION_KEY)
    if request.method != "POST" or not pending or request.POST.get("sha256") != pending["sha256"]:
        messages.error(request, _("Upload the sheet again: the preview has expired."))
        return redirect("people:import")
    rows = [(int(line), dict(values)) for line, values in pending["rows"]]
    try:
        result = imports.people_import(actor=cast(User, request.user), rows=rows)
    except PeopleError as exc:
        messages.error(request, str(exc))
        return redirect("people:import")
    del request.session[_SESSION_KEY]
    messages.success(
        request,
        _("Imported: %(created)d added, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
    )
    return redirect("people:roles")
