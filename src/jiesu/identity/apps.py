from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    """Issue 18: signing in through the school's identity services (CAS 统一身份认证, WeCom 企业微信) and the link
    between a Jiesu person and each external identity."""

    name = "jiesu.identity"
    label = "identity"
    verbose_name = _("External sign-in")
