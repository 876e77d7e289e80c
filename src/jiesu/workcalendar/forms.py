"""Forms of the calendar admin pages: input parsing only, the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from jiesu.workcalendar.importing import MAX_BYTES


class OverrideForm(forms.Form):
    """R5.2: a single-date override with its reason."""

    working = forms.TypedChoiceField(
        label=_("当日安排"),
        choices=[("1", _("上班（工作日）")), ("0", _("休息（非工作日）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("说明"), max_length=200, help_text=_("例如：校历调整、临时停课、上级通知文号")
    )


class ClearOverrideForm(forms.Form):
    note = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class ImportUploadForm(forms.Form):
    """R5.2: a CSV file with the header ``date,kind,name``."""

    file = forms.FileField(
        label=_("CSV 文件"), help_text=_("表头为 date,kind,name；kind 为 holiday 或 workday；UTF-8 编码")
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("文件过大"))
        return upload
