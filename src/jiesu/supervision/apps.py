from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """Rules §8: supervision, reports and assessment (R8.6 assessment, dashboards, R8.7 public summary)."""

    name = "jiesu.supervision"
    label = "supervision"
    verbose_name = _("Supervision and assessment")
