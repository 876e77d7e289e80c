"""The people pages and the account page through the test client: who may open them, and what they do."""

from __future__ import annotations

import io
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from jiesu.org.models import Membership, Role, User
from jiesu.people.models import PeopleAction, PeopleLog
from tests.support import signed_in, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

ADMIN_PAGES = [
    "people:index",
    "people:breaches",
    "people:roles",
    "people:import",
    "people:log",
    "people:unit_new",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_only_system_administrators_open_the_people_pages(name: str) -> None:
    """Anonymous visitors sign in; a dispatcher or a student is refused; the administrator gets the page."""
    url = reverse(name)
    assert Client().get(url).status_code == 302
    assert signed_in("dispatcher").get(url).status_code == 403
    assert signed_in("student").get(url).status_code == 403
    assert signed_in("admin").get(url).status_code == 200


def test_the_unit_page_and_the_role_list(django_assert_max_num_queries) -> None:
    """A unit's page shows its members; the role list finds people by unit name in a fixed number of queries."""
    admin = signed_in("admin")
    page = admin.get(reverse("people:unit", args=[unit("logistics").pk]))
    assert "马建华" in page.content.decode()
    with django_assert_max_num_queries(12):
        found = admin.get(reverse("people:roles"), {"q": "后勤", "role": Role.INFO_OFFICER})
    assert "高雅" in found.content.decode() and "马建华" not in found.content.decode()


def test_a_second_head_through_the_page_is_refused_with_a_message() -> None:
    admin = signed_in("admin")
    response = admin.post(
        reverse("people:role_assign"),
        {"in_unit": unit("logistics").pk, "person": "officer", "role": Role.UNIT_HEAD},
        follow=True,
    )
    assert "已有负责人" in response.content.decode()
    assert Membership.objects.filter(unit=unit("logistics"), role=Role.UNIT_HEAD).count() == 1


def _xlsx(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    for row in (["学号/工号", "姓名", "人员类别"], *rows):
        book.active.append(list(row))  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "people.xlsx"
    return buffer


def test_import_through_the_pages_previews_then_confirms() -> None:
    """A sheet with a bad row is shown with the row's error and cannot be confirmed; a good one is confirmed
    and its people exist."""
    admin = signed_in("admin")
    bad = admin.post(
        reverse("people:import"), {"file": _xlsx(["9001", "甲", "学生"], ["9001", "乙", "学生"])}
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "已在第2行" in body and 'data-testid="import-confirm"' not in body
    assert admin.post(reverse("people:import_confirm"), {"sha256": "x"}).status_code == 302
    assert not User.objects.filter(number="9001").exists()
    good = admin.post(reverse("people:import"), {"file": _xlsx(["9001", "甲", "学生"])})
    assert good.status_code == 200 and 'data-testid="import-confirm"' in good.content.decode()
    sha = re.search(r'name="sha256" value="([0-9a-f]+)"', good.content.decode()).group(1)  # type: ignore[union-attr]
    done = admin.post(reverse("people:import_confirm"), {"sha256": sha}, follow=True)
    assert "新增 1" in done.content.decode()
    assert User.objects.get(number="9001").full_name == "甲"
    template = admin.get(reverse("people:import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")


# -- the account page (issue 18 item 6) --------------------------------------------------------------------------
def test_my_contact_details_prefill_my_next_request() -> None:
    """The requester changes their phone and e-mail on the account page; the new request form starts with
    them, and the change is logged."""
    student = signed_in("student")
    page = student.get(reverse("account:index"))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("notify:settings") in body and reverse("web:password_change") in body
    response = student.post(reverse("account:index"), {"phone": "13912345678", "email": "me@example.edu.cn"})
    assert response.status_code == 302
    form = student.get(reverse("intake:new")).content.decode()
    assert 'value="13912345678"' in form and 'value="me@example.edu.cn"' in form
    assert PeopleLog.objects.get(action=PeopleAction.ACCOUNT_CHANGED).details == {
        "phone": ["", "13912345678"],
        "email": ["student@demo.jiesu.edu.cn", "me@example.edu.cn"],
    }


def test_bad_contact_details_are_refused_in_chinese() -> None:
    student = signed_in("student")
    response = student.post(reverse("account:index"), {"phone": "", "email": "a@b.cn, c@d.cn"})
    assert response.status_code == 400 and "电子邮箱地址无效" in response.content.decode()
    assert User.objects.get(username="student").email == "student@demo.jiesu.edu.cn"


def test_an_account_without_a_local_password_is_told_where_its_password_lives() -> None:
    person = User.objects.get(username="teacher")
    person.set_unusable_password()
    person.save()
    body = signed_in("teacher").get(reverse("account:index")).content.decode()
    assert 'data-testid="account-no-password"' in body and reverse("web:password_change") not in body


def test_password_reset_by_email_sets_a_new_password(settings) -> None:
    """A local account asks for a reset: a Chinese e-mail carries a single-use link that sets a new password;
    an unknown address gets the same answer and no mail."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()
    assert 'data-testid="forgot-password"' in client.get(reverse("web:login")).content.decode()
    sent = client.post(reverse("account:password_reset"), {"email": "nobody@example.edu.cn"})
    assert sent.status_code == 302 and mail.outbox == []
    client.post(reverse("account:password_reset"), {"email": "student@demo.jiesu.edu.cn"})
    [message] = mail.outbox
    assert "重设密码" in message.subject and "李小萌" in message.body
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+/)", message.body).group(1)  # type: ignore[union-attr]
    form = client.get(link, follow=True)
    assert form.status_code == 200 and 'data-testid="reset-confirm-form"' in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Qiuyue#2026x", "new_password2": "Qiuyue#2026x"}
    )
    assert done.status_code == 302
    assert User.objects.get(username="student").check_password("Qiuyue#2026x")
    again = client.get(link, follow=True)
    assert 'data-testid="reset-invalid"' in again.content.decode()
