"""Accounts through HTTP: log-in, lock-out (UI and API), password reset and change, idle time-out,
session cookies and the language rules."""

import datetime as dt
import re
import time

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from phaen.core.access import Role
from phaen.core.middleware import IDLE_KEY
from phaen.core.models import User
from phaen.core.tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
TOKEN = reverse("api:token")
LOCKED_OUT = "ระงับการเข้าสู่ระบบชั่วคราว"


@pytest.fixture
def user(world):
    return world.user(Role.VIEWER, world.province_a)


def log_in(client, username, password=TEST_PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# Log-in and log-out -------------------------------------------------------------------------------


def test_the_login_page_is_thai(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="th">' in page
    assert "ชื่อผู้ใช้" in page
    assert "รหัสผ่าน" in page


def test_log_in_with_the_right_password_goes_home(client, user):
    response = log_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert logged_in_user_id(client) == str(user.pk)


def test_log_in_goes_to_next(client, user):
    response = client.post(
        f"{LOGIN}?next=/orgs/tree/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/orgs/tree/"


def test_a_wrong_password_is_refused_in_thai(client, user):
    response = log_in(client, user.username, "wrong")
    assert response.status_code == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_an_inactive_account_cannot_log_in(client, user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = log_in(client, user.username)
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_a_logged_in_user_skips_the_login_page(client, user):
    client.force_login(user)
    assert client.get(LOGIN).status_code == 302


def test_log_out_ends_the_session(client, user):
    log_in(client, user.username)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    assert client.get(reverse("home")).status_code == 302


def test_log_out_needs_a_post(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert logged_in_user_id(client) == str(user.pk)


# Lock-out after repeated failures -----------------------------------------------------------------


def fail_to_log_in(client, username, times):
    for _ in range(times):
        log_in(client, username, "not-the-password")


def test_the_failure_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(client, user):
    fail_to_log_in(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    # One failure short of the limit, the right password still works.
    assert log_in(client, user.username).status_code == 302
    client.post(reverse("logout"))

    fail_to_log_in(client, user.username, settings.AXES_FAILURE_LIMIT)
    response = log_in(client, user.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED_OUT in page
    assert '<html lang="th">' in page
    assert reverse("password_reset") in page
    assert "กรุณารอประมาณ 15 นาที" in page
    assert logged_in_user_id(client) is None


def test_the_locked_out_page_names_the_configured_cool_off(client, user, settings):
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=40)
    fail_to_log_in(client, user.username, settings.AXES_FAILURE_LIMIT)
    response = log_in(client, user.username)
    assert response.status_code == 429
    assert "กรุณารอประมาณ 40 นาที" in response.content.decode()


def test_a_lock_out_is_per_account(client, world, user):
    other = world.user(Role.VIEWER, world.province_b)
    fail_to_log_in(client, user.username, settings.AXES_FAILURE_LIMIT)
    assert log_in(client, other.username).status_code == 302


def test_the_api_token_endpoint_is_locked_out_too(user):
    api = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = api.post(TOKEN, {"username": user.username, "password": "nope"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_credentials"
    # The failure that reaches the limit locks the account, and so does every try after it.
    for password in ("nope", TEST_PASSWORD):
        response = api.post(TOKEN, {"username": user.username, "password": password}, format="json")
        assert response.status_code == 429
        error = response.json()["error"]
        assert error["code"] == "locked_out"
        assert "ระงับการเข้าสู่ระบบชั่วคราว" in error["message"]
        assert "15 นาที" in error["message"]
        assert "token" not in response.json()


def test_failures_on_the_web_lock_the_api_out(client, user):
    fail_to_log_in(client, user.username, settings.AXES_FAILURE_LIMIT)
    response = APIClient().post(
        TOKEN, {"username": user.username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429


# Password reset and change ------------------------------------------------------------------------


def test_password_reset_mails_a_thai_link_that_sets_a_new_password(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    # The e-mail goes out as a background task once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email]
    assert mail.subject == "ตั้งรหัสผ่านใหม่สำหรับระบบแผน (phaen)"
    assert f"เรียน {user}" in mail.body
    assert f"ชื่อผู้ใช้ของคุณ: {user.username}" in mail.body
    link = re.search(r"http://testserver(/accounts/reset/[^/\s]+/[^/\s]+/)", mail.body)
    assert link is not None

    form_page = client.get(link[1], follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_password_url,
        {"new_password1": "ตั้งใหม่-Plan-2561!", "new_password2": "ตั้งใหม่-Plan-2561!"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password("ตั้งใหม่-Plan-2561!")
    # The link works once only.
    assert client.get(link[1], follow=True).context["validlink"] is False


def test_the_password_pages_are_phaens_thai_pages(client, user):
    """Not Django admin's look-alikes of the same template names."""
    page = client.get(reverse("password_reset")).content.decode()
    assert "ข้ามไปยังเนื้อหา" in page  # phaen's base.html
    client.force_login(user)
    page = client.get(reverse("password_change")).content.decode()
    assert "ข้ามไปยังเนื้อหา" in page
    assert "เปลี่ยนรหัสผ่าน" in page


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.go.th"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_change(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "รหัสใหม่-Plan-2562!",
            "new_password2": "รหัสใหม่-Plan-2562!",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("รหัสใหม่-Plan-2562!")
    # The session survives the change.
    assert client.get(reverse("home")).status_code == 200


def test_password_change_refuses_a_wrong_old_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x-Plan-2562!", "new_password2": "x-Plan-2562!"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


# Idle time-out and session cookies ----------------------------------------------------------------


def idle_for(client, minutes):
    session = client.session
    session[IDLE_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_the_first_request_records_the_activity_time(client, user):
    client.force_login(user)
    client.get(reverse("home"))
    assert abs(client.session[IDLE_KEY] - time.time()) < 5


def test_an_idle_session_is_logged_out(client, user):
    client.force_login(user)
    client.get(reverse("home"))
    idle_for(client, settings.PHAEN_SESSION_IDLE_MINUTES + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert logged_in_user_id(client) is None
    page = client.get(response["Location"]).content.decode()
    assert "หมดเวลาการใช้งานเนื่องจากไม่มีการใช้งานนาน กรุณาเข้าสู่ระบบอีกครั้ง" in page


def test_a_session_used_within_the_limit_stays_and_is_refreshed(client, user):
    client.force_login(user)
    client.get(reverse("home"))
    idle_for(client, settings.PHAEN_SESSION_IDLE_MINUTES - 1)
    assert client.get(reverse("home")).status_code == 200
    assert abs(client.session[IDLE_KEY] - time.time()) < 5


def test_the_activity_time_is_written_at_most_once_a_minute(client, user):
    client.force_login(user)
    client.get(reverse("home"))
    session = client.session
    session[IDLE_KEY] = recent = int(time.time()) - 30
    session.save()
    client.get(reverse("home"))
    assert client.session[IDLE_KEY] == recent


def test_the_idle_limit_follows_the_setting(client, user, settings):
    settings.PHAEN_SESSION_IDLE_MINUTES = 5
    client.force_login(user)
    client.get(reverse("home"))
    idle_for(client, 6)
    assert client.get(reverse("home")).status_code == 302


def test_the_session_cookie_is_http_only_lax_and_ends_with_the_browser(client, user):
    response = log_in(client, user.username)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


# Language -----------------------------------------------------------------------------------------


def test_an_english_browser_still_gets_thai_pages(client):
    response = client.get(LOGIN, headers={"Accept-Language": "en-US,en;q=0.9"})
    page = response.content.decode()
    assert '<html lang="th">' in page
    assert response["Content-Language"] == "th"


def test_the_language_cookie_switches_the_pages(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(LOGIN)
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"


def test_an_unknown_language_cookie_is_ignored(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="th">' in client.get(LOGIN).content.decode()


def test_the_language_switch_sets_the_cookie(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": LOGIN})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert '<html lang="en">' in client.get(LOGIN).content.decode()


@pytest.mark.parametrize(
    ("accept_language", "language", "required"),
    [
        ("en", "en", "This field is required."),
        ("th", "th", "กรุณากรอกข้อมูลช่องนี้"),
        ("", "th", "กรุณากรอกข้อมูลช่องนี้"),
    ],
)
def test_the_api_honours_accept_language(client, accept_language, language, required):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    response = client.post(TOKEN, {}, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response["Content-Language"] == language
    assert response.json()["error"]["fields"]["username"] == [required]
