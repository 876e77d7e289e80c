"""The catalogue's pages (R2.7): the tree with search, a matter's edit page and history, the versions, Excel
export and import with a preview, and the JSON search the dispatch form asks."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.catalogue import excel, importing, permissions, selectors, services
from jiesu.catalogue.forms import ImportForm, MatterForm
from jiesu.catalogue.models import Matter

View = Callable[..., HttpResponse]
_SESSION_KEY = "catalogue_import"


def _guard(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


viewer = _guard(permissions.may_see_catalogue)
editor = _guard(permissions.may_edit_catalogue)


def _index(request: HttpRequest, form: MatterForm | None = None, status: int = 200) -> HttpResponse:
    rows = selectors.in_tree_order(selectors.matters())
    query = request.GET.get("q", "").strip()
    context = {
        "rows": rows,
        "query": query,
        "hits": selectors.search(query, limit=20) if query else None,
        "may_edit": permissions.may_edit_catalogue(request.user),
        "form": form or MatterForm(),
        "version": selectors.current_number(),
        "n_matters": sum(1 for m, _d in rows if m.is_active),
    }
    return render(request, "catalogue/index.html", context, status=status)


@viewer
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index(request)


def _fields(form: MatterForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "parent": data["parent"],
        "unit": data["unit"],
        "cohandlers": list(data["cohandlers"]),
        "keywords": data["keywords"],
    }


@editor
@require_POST
def add(request: HttpRequest) -> HttpResponse:
    form = MatterForm(request.POST)
    if form.is_valid():
        try:
            matter = services.matter_add(actor=request.user, **_fields(form))  # type: ignore[arg-type]
        except services.CatalogueError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Added %(name)s to the catalogue.") % {"name": matter.name})
            return redirect("catalogue:index")
    return _index(request, form, status=400)


@viewer
@require_http_methods(["GET", "POST"])
def matter(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.matters(), pk=pk)
    may_edit = permissions.may_edit_catalogue(request.user)
    form = MatterForm(matter=item)
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form = MatterForm(request.POST, matter=item)
        if form.is_valid():
            try:
                services.matter_edit(actor=request.user, matter=item, **_fields(form))  # type: ignore[arg-type]
            except services.CatalogueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The catalogue was changed."))
                return redirect("catalogue:matter", pk=item.pk)
        status = 400
    context = {
        "matter": item,
        "form": form,
        "may_edit": may_edit,
        "history": selectors.history_of(item),
        "path": selectors.paths(list(selectors.matters())).get(item.pk, item.name),
    }
    return render(request, "catalogue/matter.html", context, status=status)


def _toggle(request: HttpRequest, pk: int, service: Callable[..., Any], done: str) -> HttpResponse:
    item = get_object_or_404(Matter, pk=pk)
    try:
        service(actor=request.user, matter=item)
    except services.CatalogueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("catalogue:matter", pk=pk)


@editor
@require_POST
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _toggle(request, pk, services.matter_retire, _("Retired; it is no longer offered for dispatch."))


@editor
@require_POST
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _toggle(request, pk, services.matter_restore, _("Restored; it is offered for dispatch again."))


@viewer
@require_GET
def search(request: HttpRequest) -> JsonResponse:
    """The dispatch form's matter search: the matching matters and the unit each proposes."""
    hits = selectors.search(request.GET.get("q", ""))
    return JsonResponse({"results": [dataclasses.asdict(hit) for hit in hits]})


@viewer
@require_GET
def versions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.versions(), 20).get_page(request.GET.get("page"))
    changes = selectors.changes_of([v.number for v in page.object_list])
    rows = [(v, changes.get(v.number, [])) for v in page.object_list]
    return render(request, "catalogue/versions.html", {"page": page, "rows": rows})


@viewer
@require_GET
def version(request: HttpRequest, number: int) -> HttpResponse:
    found = selectors.version(number)
    if found is None:
        raise Http404
    context = {"version": found, "rows": found.snapshot, "current": selectors.current_number()}
    return render(request, "catalogue/version.html", context)


@viewer
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        excel.export(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    number = selectors.current_number()
    response["Content-Disposition"] = f'attachment; filename="catalogue-v{number}.xlsx"'
    return response


def _sheet_to_session(sheet: excel.Sheet) -> list[dict[str, Any]]:
    return [dataclasses.asdict(row) for row in sheet.rows]


@editor
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm()
    plan = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            sheet = excel.read(upload.read())
            plan = importing.plan_import(sheet)
            if plan.ok:
                request.session[_SESSION_KEY] = {
                    "rows": _sheet_to_session(sheet),
                    "filename": upload.name,
                    "based_on": plan.based_on,
                }
            else:
                request.session.pop(_SESSION_KEY, None)
                status = 400
        else:
            status = 400
    return render(request, "catalogue/import.html", {"form": form, "plan": plan}, status=status)


@editor
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.pop(_SESSION_KEY, None)
    if not pending:
        messages.warning(request, _("Please upload a file first."))
        return redirect("catalogue:import")
    sheet = excel.Sheet(rows=[excel.Row(**row) for row in pending["rows"]])
    try:
        found = importing.catalogue_import(
            actor=request.user,  # type: ignore[arg-type]
            sheet=sheet,
            based_on=pending["based_on"],
            filename=pending["filename"],
        )
    except services.CatalogueError as exc:
        messages.error(request, str(exc))
        return redirect("catalogue:import")
    messages.success(request, found.summary)
    return redirect("catalogue:version", number=found.number)
