"""The interactive API docs page, served from our own static files: never from a CDN (foundation rule)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja.openapi.docs import Swagger, _csrf_needed

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    """Swagger UI from django-ninja's bundled static files (``ninja`` must be in INSTALLED_APPS).

    django-ninja falls back to a CDN-hosted page when the app is not installed; we refuse that fallback and
    answer with a plain page that links the OpenAPI document instead.
    """

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        url = self.get_openapi_url(api, kwargs)
        if "ninja" not in settings.INSTALLED_APPS:
            return HttpResponse(
                f'<!doctype html><meta charset="utf-8"><title>{api.title}</title>'
                f'<p><a href="{url}">{_("OpenAPI document")}</a></p>',
                status=200,
            )
        self.settings["url"] = url
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": _csrf_needed(api),
        }
        return render(request, self.template, context)
