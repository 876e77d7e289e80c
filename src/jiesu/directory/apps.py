from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """Issue 18: the campus directory (LDAP sign-in and the nightly sync of units and people) and OIDC sign-in."""

    name = "jiesu.directory"
    label = "directory"
    verbose_name = _("Campus directory")

    def ready(self) -> None:
        from jiesu.directory.oidc import oidc_provider
        from jiesu.identity.providers import PROVIDERS

        if oidc_provider not in PROVIDERS:
            PROVIDERS.append(oidc_provider)  # the sign-in page lists OIDC beside CAS and WeCom
