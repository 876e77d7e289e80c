"""Input of the import page (parsing only; the rules are in ``services`` and ``rows``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Campus
from jiesu.textcheck import CleanTextForm
from jiesu.tickets.models import TicketType

SOURCES = ("12345市民服务热线", "全国总工会", "教育部", "北京市教育委员会", "河北省教育厅")


class UploadForm(CleanTextForm):
    sheet = forms.FileField(
        label=_("Referral sheet (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
    source_name = forms.CharField(
        label=_("Referral source"),
        max_length=100,
        initial=SOURCES[0],
        help_text=_("Used for rows whose sheet has no source column."),
        widget=forms.TextInput(attrs={"list": "referral-sources"}),
    )
    campus = forms.ModelChoiceField(label=_("Campus"), queryset=Campus.objects.all(), empty_label=None)
    type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial=TicketType.HELP)
