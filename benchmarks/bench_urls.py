"""Jiesu's URLs plus ``/bench/empty``: a Django view that does nothing, the baseline of the intake benchmark.

It goes through the same middleware as the API (sessions, locale, CSRF exemption, auth, axes) and answers a
POST of the same body with a small JSON document, so the ratio measures Jiesu's own work per request.
"""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from jiesu.urls import urlpatterns as jiesu_urlpatterns


@csrf_exempt
def empty(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/empty", empty), *jiesu_urlpatterns]
