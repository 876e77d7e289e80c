"""Sign-in, sign-out and lockout after repeated failures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_sign_in_and_out(person, password: str) -> None:
    client = Client()
    response = client.post(reverse("web:login"), {"username": "head", "password": password}, follow=True)
    assert response.status_code == 200
    assert response.context["user"].username == "head"
    assert "单位负责人" in response.content.decode()
    response = client.post(reverse("web:logout"), follow=True)
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
def test_home_requires_sign_in(demo_org: None) -> None:
    response = Client().get(reverse("web:home"))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]


@pytest.mark.django_db
def test_wrong_password_shows_a_chinese_error(demo_org: None) -> None:
    response = Client().post(reverse("web:login"), {"username": "head", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(demo_org: None, password: str, settings) -> None:
    """After AXES_FAILURE_LIMIT failures even the right password is refused, with a Chinese message."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("web:login"), {"username": "officer", "password": "wrong"})
    response = client.post(reverse("web:login"), {"username": "officer", "password": password})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert not client.get(reverse("web:home")).wsgi_request.user.is_authenticated
    # Another account from the same address is not locked out (lockout is per username and address).
    response = client.post(reverse("web:login"), {"username": "head", "password": password})
    assert response.status_code == 302


@pytest.mark.django_db
def test_each_role_sees_its_work(person, password: str) -> None:
    """The home page shows one section per role held."""
    client = Client()
    client.force_login(person("dispatcher"))
    page = client.get(reverse("web:home")).content.decode()
    assert "党政办派单员" in page and "派单队列" in page
    client.force_login(person("admin"))
    page = client.get(reverse("web:home")).content.decode()
    assert "系统管理员" in page and "/calendar/" in page
