"""Notifications: created once per recipient and key, e-mailed once, read only by their owner;
the bell, the notifications page, the settings page and the scheduler command."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from phaen.core import scheduling
from phaen.core.access import Role
from phaen.core.models import AuditEvent, Notification, User
from phaen.core.notifications import (
    NotificationEmailError,
    _insert_once,
    notify,
    send_notification_emails,
    unread_count,
)

pytestmark = pytest.mark.django_db

SITE = "https://phaen.example.go.th"
LIST = reverse("notification_list")
READ_ALL = reverse("notifications_read_all")
SETTINGS = reverse("notification_settings")


def remind(users, key="monitoring.reminder:report=1:due-7", **kwargs):
    values = {
        "kind": "monitoring.reminder",
        "key": key,
        "title": "ใกล้ถึงกำหนดส่งรายงานผลไตรมาสที่ 1",
        "body": "โครงการส่งเสริมการอ่าน ต้องส่งรายงานภายในวันที่ 15 ม.ค. 61",
        "url": "/plans/projects/1/",
    } | kwargs
    return notify(users, **values)


@pytest.fixture
def people(world):
    return (
        world.user(Role.REPORTER, world.school_a2),
        world.user(Role.APPROVER, world.province_a),
    )


# Created once, e-mailed once --------------------------------------------------------------------


def test_notify_creates_one_row_per_recipient_and_emails_each(
    people, django_capture_on_commit_callbacks
):
    reporter, approver = people
    with django_capture_on_commit_callbacks(execute=True):
        created = remind([reporter, approver, reporter])
    assert [n.recipient for n in created] == [reporter, approver]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [reporter.email, approver.email]
    )
    assert all(n.emailed_at is not None for n in Notification.objects.all())


def test_the_same_key_twice_gives_one_row_and_one_email(people, django_capture_on_commit_callbacks):
    reporter, _approver = people
    with django_capture_on_commit_callbacks(execute=True):
        first = remind([reporter])
    with django_capture_on_commit_callbacks(execute=True):
        second = remind([reporter], title="ข้อความที่สอง")
    assert len(first) == 1
    assert second == []
    assert Notification.objects.filter(recipient=reporter).count() == 1
    assert len(mail.outbox) == 1


def test_another_key_is_another_notification(people, django_capture_on_commit_callbacks):
    reporter, _approver = people
    with django_capture_on_commit_callbacks(execute=True):
        remind([reporter], key="a")
        remind([reporter], key="b")
    assert Notification.objects.filter(recipient=reporter).count() == 2
    assert len(mail.outbox) == 2


def test_two_calls_in_separate_transactions_create_one(people, django_capture_on_commit_callbacks):
    """Two runs of a job, one after the other, each in its own transaction."""
    reporter, approver = people
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        remind([reporter])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        created = remind([reporter, approver])
    assert [n.recipient for n in created] == [approver]
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reporter.email, approver.email])


def test_rows_a_concurrent_run_inserted_first_are_left_out(people):
    """What a run meets when another committed the same key after it looked: the database's
    unique constraint refuses the bulk insert, and only the rows really created come back."""
    reporter, approver = people
    remind([reporter])
    racing = [
        Notification(recipient=user, kind="k", key="monitoring.reminder:report=1:due-7", title="t")
        for user in (reporter, approver)
    ]
    with transaction.atomic():
        created = _insert_once(racing)
    assert [n.recipient for n in created] == [approver]
    assert Notification.objects.filter(recipient=reporter).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite runs one writing transaction at a time"
)
def test_two_workers_racing_on_postgresql_create_and_email_one(world):
    """Worker A has inserted but not committed when worker B inserts the same key: B waits on
    the unique index, then gets the conflict and leaves the row out."""
    reporter = world.user(Role.REPORTER, world.school_a2)
    mail.outbox = []
    b_started = threading.Event()
    results: dict[str, list[Notification]] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        try:
            with transaction.atomic():
                if name == "B":
                    b_started.set()
                results[name] = remind([reporter])
                if name == "A":
                    b_started.wait(5)
                    time.sleep(0.5)  # B is now blocked on A's uncommitted row
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    a = threading.Thread(target=worker, args=("A",))
    a.start()
    time.sleep(0.2)
    b = threading.Thread(target=worker, args=("B",))
    b.start()
    a.join(10)
    b.join(10)
    assert errors == []
    assert len(results["A"]) + len(results["B"]) == 1
    assert Notification.objects.filter(recipient=reporter).count() == 1
    assert [m.to for m in mail.outbox] == [[reporter.email]]


def test_nothing_is_sent_when_the_callers_transaction_rolls_back(
    people, django_capture_on_commit_callbacks
):
    reporter, _approver = people

    def failing_service() -> None:
        with transaction.atomic():
            remind([reporter])
            raise RuntimeError("the service failed after notifying")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_service()
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_inactive_users_get_nothing(people, django_capture_on_commit_callbacks):
    reporter, _approver = people
    User.objects.filter(pk=reporter.pk).update(is_active=False)
    reporter.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind([reporter]) == []
    assert mail.outbox == []


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/", "//evil.example/x", "/\\evil.example", "http:/x", "javascript:x"],
)
def test_notify_takes_only_paths_on_this_site(people, url):
    with pytest.raises(ValueError, match="path on this site"):
        remind(people, url=url)
    assert not Notification.objects.exists()


def test_notify_needs_a_key(people):
    with pytest.raises(ValueError, match="key"):
        remind(people, key="")


@pytest.mark.parametrize(
    "values", [{"key": "k" * 256}, {"kind": "k" * 101}, {"url": "/" + "x" * 500}]
)
def test_notify_refuses_what_its_columns_cannot_hold(people, values):
    with pytest.raises(ValueError, match="longer than its column"):
        remind(people, **values)


# The e-mail --------------------------------------------------------------------------------------


@override_settings(SITE_URL=SITE, PHAEN_SITE_NAME="แผน ศธจ.ทดสอบ")
def test_the_email_is_thai_with_the_absolute_link(people, django_capture_on_commit_callbacks):
    reporter, _approver = people
    with django_capture_on_commit_callbacks(execute=True):
        remind([reporter])
    (message,) = mail.outbox
    assert message.subject == "[แผน ศธจ.ทดสอบ] ใกล้ถึงกำหนดส่งรายงานผลไตรมาสที่ 1"
    assert message.to == [reporter.email]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert f"เรียน {reporter}" in message.body
    assert "โครงการส่งเสริมการอ่าน ต้องส่งรายงานภายในวันที่ 15 ม.ค. 61" in message.body
    assert f"{SITE}/plans/projects/1/" in message.body
    assert f"{SITE}{SETTINGS}" in message.body
    assert "&" not in message.subject + message.body  # plain text is not HTML-escaped
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{SITE}/plans/projects/1/"' in html
    assert 'lang="th"' in html
    assert "ดูรายละเอียดและดำเนินการ" in html


@override_settings(SITE_URL=SITE)
def test_a_notification_without_a_url_links_to_the_notifications_page(
    people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind(people[:1], url="")
    assert f"{SITE}{LIST}" in mail.outbox[0].body


def test_the_email_is_thai_even_when_english_is_active(people, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        remind(people[:1])
    assert "เรียน" in mail.outbox[0].body


def test_users_who_opted_out_or_have_no_address_get_no_email_but_the_notification(
    world, people, django_capture_on_commit_callbacks
):
    reporter, approver = people
    User.objects.filter(pk=reporter.pk).update(email_notifications=False)
    User.objects.filter(pk=approver.pk).update(email="")
    reporter.refresh_from_db()
    approver.refresh_from_db()
    viewer = world.user(Role.VIEWER, world.school_a2)
    with django_capture_on_commit_callbacks(execute=True):
        created = remind([reporter, approver, viewer])
    assert len(created) == 3
    assert [m.to for m in mail.outbox] == [[viewer.email]]
    assert Notification.objects.get(recipient=reporter).emailed_at is None


def test_email_false_keeps_it_in_the_app(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = remind(people, email=False)
    assert len(created) == 2
    assert mail.outbox == []


def test_the_email_task_sends_each_notification_once(people):
    with transaction.atomic():  # no on-commit here: the task is called by hand below
        created = remind(people[:1])
    ids = [n.pk for n in created]
    assert send_notification_emails.call(notification_ids=ids) == 1
    assert send_notification_emails.call(notification_ids=ids) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=ids[0]).emailed_at is not None


def test_opting_out_after_the_task_was_enqueued_still_stops_the_email(people):
    reporter, _approver = people
    created = remind([reporter])
    User.objects.filter(pk=reporter.pk).update(email_notifications=False)
    assert send_notification_emails.call(notification_ids=[created[0].pk]) == 0
    assert mail.outbox == []


class FailingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP is down")


@override_settings(MAILERS={"default": {"BACKEND": f"{__name__}.FailingBackend"}})
def test_a_failed_send_leaves_the_notification_unsent_and_fails_the_task(people):
    created = remind(people[:1])
    with pytest.raises(NotificationEmailError):
        send_notification_emails.call(notification_ids=[created[0].pk])
    assert Notification.objects.get(pk=created[0].pk).emailed_at is None


# The bell ----------------------------------------------------------------------------------------


def notification_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries if "core_notification" in q["sql"]], response


def test_the_bell_costs_one_query_per_page(client, people):
    reporter, _approver = people
    for number in range(3):
        remind([reporter], key=f"k{number}")
    client.force_login(reporter)
    client.get(reverse("home"))  # the first request of a session stores the idle timer
    for url in (reverse("home"), reverse("orgs:orgunit_list")):
        queries, response = notification_queries(client, url)
        assert len(queries) == 1, queries
        assert "COUNT" in queries[0].upper()
        page = response.content.decode()
        assert '<span class="bell-count" aria-hidden="true">3</span>' in page
        assert "ยังไม่อ่าน 3 รายการ" in page


def test_no_bell_and_no_query_for_visitors(client, db):
    queries, response = notification_queries(client, reverse("login"))
    assert queries == []
    assert 'class="bell' not in response.content.decode()


def test_the_bell_shows_99_plus(client, people):
    reporter, _approver = people
    Notification.objects.bulk_create(
        Notification(recipient=reporter, kind="k", key=f"k{n}", title="t") for n in range(120)
    )
    client.force_login(reporter)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="bell-count" aria-hidden="true">99+</span>' in page
    assert "ยังไม่อ่านมากกว่า 99 รายการ" in page
    assert unread_count(reporter) == 100  # counted up to the cap only


def test_without_unread_the_bell_has_no_number(client, people):
    client.force_login(people[0])
    page = client.get(reverse("home")).content.decode()
    assert 'class="bell"' in page
    assert "bell-count" not in page


# The notifications page --------------------------------------------------------------------------


def test_the_page_lists_own_notifications_newest_first_unread_marked(client, people):
    reporter, approver = people
    old = remind([reporter], key="old", title="เรื่องเก่า")[0]
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2), read_at=timezone.now()
    )
    remind([reporter], key="new", title="เรื่องใหม่")
    remind([approver], key="other", title="เรื่องของคนอื่น")
    client.force_login(reporter)
    page = client.get(LIST).content.decode()
    assert page.index("เรื่องใหม่") < page.index("เรื่องเก่า")
    assert "เรื่องของคนอื่น" not in page
    assert page.count('class="notification unread"') == 1
    assert "อ่านแล้วทั้งหมด" in page


def test_the_page_is_paginated(client, people):
    reporter, _approver = people
    Notification.objects.bulk_create(
        Notification(recipient=reporter, kind="k", key=f"k{n}", title=f"เรื่องที่ {n}")
        for n in range(25)
    )
    client.force_login(reporter)
    first = client.get(LIST).content.decode()
    assert first.count('class="notification unread"') == 20
    assert "ทั้งหมด 25 รายการ" in first
    second = client.get(LIST + "?page=2").content.decode()
    assert second.count('class="notification unread"') == 5


def test_the_empty_page_says_so_in_thai(client, people):
    client.force_login(people[0])
    page = client.get(LIST).content.decode()
    assert "ยังไม่มีการแจ้งเตือน" in page
    assert "อ่านแล้วทั้งหมด" not in page


def test_visitors_are_sent_to_log_in(client, db):
    for url in (LIST, SETTINGS, reverse("notification_open", args=[1])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_opening_one_marks_it_read_and_goes_to_its_page(client, people):
    reporter, _approver = people
    (notification,) = remind([reporter])
    client.force_login(reporter)
    response = client.get(notification.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == "/plans/projects/1/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert unread_count(reporter) == 0


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_opening_never_redirects_to_another_site(client, people, url):
    """Rows are written by notify(), which refuses such urls; the view checks again."""
    reporter, _approver = people
    notification = Notification.objects.create(
        recipient=reporter, kind="k", key="k", title="t", url=url
    )
    client.force_login(reporter)
    response = client.get(notification.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == LIST


def test_nobody_opens_or_marks_another_users_notification(client, world, people):
    reporter, approver = people
    (notification,) = remind([reporter])
    for someone in (approver, world.user(Role.ADMIN, world.root), world.superuser()):
        client.force_login(someone)
        assert client.get(notification.get_absolute_url()).status_code == 404
        client.post(READ_ALL)
        assert "รายงานผลไตรมาสที่ 1" not in client.get(LIST).content.decode()
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_is_a_post_with_the_csrf_token(people):
    reporter, approver = people
    remind([reporter], key="a")
    remind([reporter], key="b")
    remind([approver], key="c")
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    assert client.get(READ_ALL).status_code == 405
    assert client.post(READ_ALL).status_code == 403  # no token
    assert unread_count(reporter) == 2
    page = client.get(LIST)
    token = page.context["csrf_token"]
    response = client.post(READ_ALL, {"csrfmiddlewaretoken": str(token)}, follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert "ทำเครื่องหมายว่าอ่านแล้ว 2 รายการ" in response.content.decode()
    assert unread_count(reporter) == 0
    assert unread_count(approver) == 1


# The e-mail setting ------------------------------------------------------------------------------


def test_a_user_turns_email_off_on_their_settings_page(client, people):
    reporter, _approver = people
    client.force_login(reporter)
    page = client.get(SETTINGS).content.decode()
    assert "รับการแจ้งเตือนทางอีเมล" in page
    assert reporter.email in page
    assert "checked" in page
    response = client.post(SETTINGS, {}, follow=True)
    assert "บันทึกการตั้งค่าการแจ้งเตือนแล้ว" in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.email_notifications is False
    event = AuditEvent.objects.get(action="core.user.updated", object_id=str(reporter.pk))
    assert (event.before, event.after) == (
        {"email_notifications": True},
        {"email_notifications": False},
    )
    client.post(SETTINGS, {"email_notifications": "on"})
    reporter.refresh_from_db()
    assert reporter.email_notifications is True


def test_a_user_without_an_address_is_told_so(client, people):
    reporter, _approver = people
    User.objects.filter(pk=reporter.pk).update(email="")
    client.force_login(reporter)
    assert "บัญชีของคุณยังไม่มีอีเมล" in client.get(SETTINGS).content.decode()


# The scheduler -----------------------------------------------------------------------------------


@pytest.fixture
def jobs(monkeypatch):
    """An empty registry for the test (the apps' own jobs are left alone)."""
    monkeypatch.setattr(scheduling, "_jobs", {})
    return scheduling


def test_run_scheduled_runs_every_registered_job(jobs, capsys):
    ran = []
    jobs.register_scheduled_job("test.first", lambda: ran.append("first"))
    jobs.register_scheduled_job("test.second", lambda: ran.append("second") or 7)
    call_command("run_scheduled")  # enqueued; the test settings run tasks immediately
    assert ran == ["first", "second"]
    call_command("run_scheduled", "--now")
    assert ran == ["first", "second", "first", "second"]
    assert "test.second: done (7)" in capsys.readouterr().out
    call_command("run_scheduled", "test.second", "--now")
    assert ran[-1] == "second"
    assert len(ran) == 5


def test_a_job_that_notifies_sends_once_however_often_it_runs(
    jobs, people, django_capture_on_commit_callbacks
):
    reporter, _approver = people
    jobs.register_scheduled_job("test.remind", lambda: len(remind([reporter])))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_scheduled")
        call_command("run_scheduled", "--now")
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_failing_job_does_not_stop_the_others(jobs):
    ran = []

    def broken() -> None:
        raise RuntimeError("boom")

    jobs.register_scheduled_job("test.broken", broken)
    jobs.register_scheduled_job("test.fine", lambda: ran.append("fine"))
    with pytest.raises(CommandError, match=r"test\.broken"):
        call_command("run_scheduled", "--now")
    assert ran == ["fine"]


def test_unknown_jobs_and_the_list(jobs, capsys):
    jobs.register_scheduled_job("test.one", lambda: None, description="ทดสอบ")
    with pytest.raises(CommandError, match=r"test\.nope"):
        call_command("run_scheduled", "test.nope")
    call_command("run_scheduled", "--list")
    assert "test.one\tทดสอบ" in capsys.readouterr().out


def test_a_name_is_registered_once(jobs):
    def job() -> None:
        return None

    jobs.register_scheduled_job("test.job", job)
    jobs.register_scheduled_job("test.job", job)  # the same (an app loaded twice): fine
    with pytest.raises(ValueError, match="already registered"):
        jobs.register_scheduled_job("test.job", lambda: None)


# SITE_URL -----------------------------------------------------------------------------------------

SITE_URL_PROBE = "from phaen import settings; print(settings.SITE_URL)"


def site_url(tmp_path, **env):
    clean = {"PATH": os.environ.get("PATH", ""), "PHAEN_VAR_DIR": str(tmp_path), **env}
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", SITE_URL_PROBE],
        env=clean,
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_site_url_comes_from_the_environment_or_the_allowed_host(tmp_path):
    production = {"DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "phaen.example.go.th"}
    assert site_url(tmp_path, **production) == "https://phaen.example.go.th"
    assert (
        site_url(tmp_path, **production, PHAEN_SITE_URL="https://plan.example.go.th/")
        == "https://plan.example.go.th"
    )
    assert site_url(tmp_path, DEBUG="1", PORT="8123") == "http://127.0.0.1:8123"
