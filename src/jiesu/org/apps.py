from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "jiesu.org"
    label = "org"
    verbose_name = _("Organization and people")

    def ready(self) -> None:
        from jiesu.org.models import Campus  # noqa: PLC0415 - models load after the app registry
        from jiesu.org.selectors import forget_campuses  # noqa: PLC0415

        post_save.connect(forget_campuses, sender=Campus, dispatch_uid="org.forget_campuses.save")
        post_delete.connect(forget_campuses, sender=Campus, dispatch_uid="org.forget_campuses.delete")
