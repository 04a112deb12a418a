"""Pages of the reporting periods: the list per fiscal year, a period with its dates, per-unit
deadlines and late-entry permissions, editing the dates (planners at the top only), setting
and clearing a unit's deadline, granting and revoking late entry; scoping (another province
sees nothing of province A's rows), bad input kept in the form, fixed query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from phaen.core.access import Role
from phaen.core.audit import history_for
from phaen.monitoring import services
from phaen.monitoring.models import LateEntryException, PeriodDeadline
from phaen.monitoring.tests import factories as f
from phaen.orgs.testing import make_unit

pytestmark = pytest.mark.django_db

LIST = reverse("monitoring:reportingperiod_list")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def be(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year + 543}"


def detail(period) -> str:
    return reverse("monitoring:reportingperiod", args=[period.pk])


def set_deadline(unit, period=None, due=date(2018, 4, 20), locks=date(2018, 4, 30)):
    return services.deadline_set(
        actor=None, period=period or f.period("Q2"), unit=unit, due_on=due, locks_on=locks
    )


def grant(unit, period=None, reason="ส่งเอกสารไม่ทัน"):
    return services.late_entry_grant(
        actor=None,
        period=period or f.period("Q2"),
        unit=unit,
        until=timezone.localdate() + timedelta(days=5),
        reason=reason,
    )


# The list and a period ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client):
    q2 = f.period("Q2")
    for url in (
        LIST,
        detail(q2),
        reverse("monitoring:reportingperiod_edit", args=[q2.pk]),
        reverse("monitoring:reportingperiod_history", args=[q2.pk]),
        reverse("monitoring:perioddeadline_add", args=[q2.pk]),
        reverse("monitoring:lateentryexception_add", args=[q2.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_each_years_periods_and_filters_by_year(world):
    q2_2561, q3_2562 = f.period("Q2"), f.period("Q3", year=2562)
    client = client_for(world.user(Role.VIEWER, world.school_a2))
    page = client.get(LIST).content.decode()
    assert "ปีงบประมาณ พ.ศ. 2561" in page
    assert detail(q2_2561) in page
    assert detail(q3_2562) in page
    only = client.get(LIST, {"fiscal_year": 2562}).content.decode()
    assert detail(q3_2562) in only
    assert detail(q2_2561) not in only


def test_a_period_shows_its_dates_deadlines_and_late_entries(world):
    q2 = f.period("Q2")
    set_deadline(world.school_a2)
    grant(world.school_a2, reason="โรงเรียนน้ำท่วม")
    page = client_for(world.user(Role.PLANNER, world.province_a)).get(detail(q2))
    html = page.content.decode()
    assert page.status_code == 200
    assert "ไตรมาสที่ 2/2561" in html
    assert "20 เมษายน 2561" in html  # the school's own due date, in BE
    assert "โรงเรียน ก2" in html
    assert "โรงเรียนน้ำท่วม" in html
    assert reverse("monitoring:perioddeadline_add", args=[q2.pk]) in html
    assert reverse("monitoring:lateentryexception_add", args=[q2.pk]) in html


def test_another_province_sees_none_of_province_as_deadlines_or_late_entries(world):
    q2 = f.period("Q2")
    deadline = set_deadline(world.school_a2)
    exception = grant(world.school_a2, reason="โรงเรียนน้ำท่วม")
    for user in (
        world.user(Role.PLANNER, world.province_b),
        world.user(Role.REPORTER, world.school_b1),
    ):
        client = client_for(user)
        html = client.get(detail(q2)).content.decode()
        assert "โรงเรียน ก2" not in html
        assert "โรงเรียนน้ำท่วม" not in html
        delete = reverse("monitoring:perioddeadline_delete", args=[deadline.pk])
        revoke = reverse("monitoring:lateentryexception_revoke", args=[exception.pk])
        assert client.get(delete).status_code == 404
        assert client.post(delete, {"version": deadline.version}).status_code == 404
        assert client.post(revoke, {"reason": "x", "version": 1}).status_code == 404
    assert PeriodDeadline.objects.filter(pk=deadline.pk).exists()
    exception.refresh_from_db()
    assert exception.revoked_at is None


def test_a_school_cannot_see_a_neighbour_schools_deadline(world):
    neighbour = make_unit("โรงเรียน ก3", world.province_a, "school")
    set_deadline(world.school_a2)
    html = client_for(world.user(Role.PLANNER, neighbour)).get(detail(f.period("Q2")))
    assert "โรงเรียน ก2" not in html.content.decode()


def test_the_period_page_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    q2 = f.period("Q2")
    set_deadline(world.school_a2)
    grant(world.school_a2)
    client = client_for(world.user(Role.PLANNER, world.province_a))
    client.get(detail(q2))  # warm the session and the caches
    with django_assert_max_num_queries(40) as few:
        assert client.get(detail(q2)).status_code == 200
    for number in range(12):
        unit = make_unit(f"โรงเรียนทดสอบ {number}", world.province_a, "school")
        set_deadline(unit)
        grant(unit)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(detail(q2)).status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = client_for(world.user(Role.VIEWER, world.province_a))
    f.period("Q2")
    client.get(LIST)
    with django_assert_max_num_queries(30) as few:
        client.get(LIST)
    for year in (2562, 2563, 2564, 2565):
        f.period("Q1", year=year)  # creates the year and its periods
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST).status_code == 200


# Editing a period's dates -----------------------------------------------------------------------


def test_a_planner_at_the_top_changes_the_dates_in_thai_digits(world):
    q2 = f.period("Q2")
    url = reverse("monitoring:reportingperiod_edit", args=[q2.pk])
    client = client_for(world.user(Role.PLANNER, world.root))
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "opens_on": "๑/๔/๒๕๖๑",
            "due_on": "๒๕/๔/๒๕๖๑",
            "locks_on": "๕/๕/๒๕๖๑",
            "version": q2.version,
            "reason": "ปรับตามปฏิทินของจังหวัด",
        },
    )
    assert response.status_code == 302
    q2.refresh_from_db()
    assert (q2.opens_on, q2.due_on, q2.locks_on) == (
        date(2018, 4, 1),
        date(2018, 4, 25),
        date(2018, 5, 5),
    )
    assert history_for(q2).first().reason == "ปรับตามปฏิทินของจังหวัด"
    history = client.get(reverse("monitoring:reportingperiod_history", args=[q2.pk]))
    assert history.status_code == 200
    assert "ปรับตามปฏิทินของจังหวัด" in history.content.decode()


def test_dates_out_of_order_are_refused_and_the_input_is_kept(world):
    q2 = f.period("Q2")
    url = reverse("monitoring:reportingperiod_edit", args=[q2.pk])
    response = client_for(world.user(Role.PLANNER, world.root)).post(
        url,
        {"opens_on": "1/4/2561", "due_on": "25/4/2561", "locks_on": "10/4/2561", "version": 1},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "วันปิดรับรายงานต้องไม่ก่อนกำหนดส่งรายงาน" in html
    assert "10/4/2561" in html


def test_a_planner_below_the_top_may_not_change_a_period(world):
    q2 = f.period("Q2")
    url = reverse("monitoring:reportingperiod_edit", args=[q2.pk])
    client = client_for(world.user(Role.PLANNER, world.province_a))
    assert client.get(url).status_code == 403
    data = {"opens_on": "1/4/2561", "due_on": "25/4/2561", "locks_on": "5/5/2561", "version": 1}
    assert client.post(url, data).status_code == 403
    assert "แก้ไขวันที่" not in client.get(detail(q2)).content.decode()


# A unit's own deadline ------------------------------------------------------------------------


def test_a_planner_sets_and_changes_a_schools_deadline_then_clears_it(world):
    q2 = f.period("Q2")
    url = reverse("monitoring:perioddeadline_add", args=[q2.pk])
    client = client_for(world.user(Role.PLANNER, world.province_a))
    assert client.get(url).status_code == 200
    data = {"unit": world.school_a2.pk, "due_on": "20/4/2561", "locks_on": "30/4/2561"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith("#deadlines")
    deadline = PeriodDeadline.objects.get(period=q2, unit=world.school_a2)
    assert deadline.due_on == date(2018, 4, 20)
    # Setting it again changes it.
    client.post(url, {**data, "due_on": "22/4/2561"})
    deadline.refresh_from_db()
    assert deadline.due_on == date(2018, 4, 22)
    assert PeriodDeadline.objects.filter(period=q2).count() == 1
    delete = reverse("monitoring:perioddeadline_delete", args=[deadline.pk])
    assert client.get(delete).status_code == 200
    response = client.post(delete, {"version": deadline.version, "reason": "ใช้กำหนดของจังหวัด"})
    assert response.status_code == 302
    assert not PeriodDeadline.objects.filter(pk=deadline.pk).exists()


def test_a_deadline_locking_before_it_is_due_is_refused_with_the_input_kept(world):
    q2 = f.period("Q2")
    url = reverse("monitoring:perioddeadline_add", args=[q2.pk])
    response = client_for(world.user(Role.PLANNER, world.province_a)).post(
        url, {"unit": world.school_a2.pk, "due_on": "20/4/2561", "locks_on": "10/4/2561"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "วันปิดรับรายงานต้องไม่ก่อนกำหนดส่งรายงาน" in html
    assert "20/4/2561" in html
    assert not PeriodDeadline.objects.exists()


def test_only_planners_of_the_unit_set_its_deadline(world):
    q2 = f.period("Q2")
    url = reverse("monitoring:perioddeadline_add", args=[q2.pk])
    data = {"unit": world.school_a2.pk, "due_on": "20/4/2561", "locks_on": "30/4/2561"}
    reporter = client_for(world.user(Role.REPORTER, world.school_a2))
    assert reporter.get(url).status_code == 403
    assert reporter.post(url, data).status_code == 403
    outsider = client_for(world.user(Role.PLANNER, world.province_b))
    response = outsider.post(url, data)
    assert response.status_code == 400  # the unit is not among the outsider's choices
    assert not PeriodDeadline.objects.exists()
    missing = reverse("monitoring:perioddeadline_add", args=[999999])
    assert client_for(world.user(Role.PLANNER, world.province_a)).get(missing).status_code == 404


# Late entry ----------------------------------------------------------------------------------


def test_a_planner_grants_late_entry_with_a_reason_and_revokes_it(world):
    q2 = f.period("Q2")
    url = reverse("monitoring:lateentryexception_add", args=[q2.pk])
    client = client_for(world.user(Role.PLANNER, world.province_a))
    until = be(timezone.localdate() + timedelta(days=3))
    response = client.post(url, {"unit": world.school_a2.pk, "until": until, "reason": ""})
    assert response.status_code == 400
    assert "กรุณาระบุเหตุผลที่อนุญาตให้รายงานล่าช้า" in response.content.decode()
    assert until in response.content.decode()
    response = client.post(url, {"unit": world.school_a2.pk, "until": until, "reason": "น้ำท่วม"})
    assert response.status_code == 302
    exception = LateEntryException.objects.get(period=q2, unit=world.school_a2)
    assert exception.reason == "น้ำท่วม"
    # A second active permission for the same unit is refused with the service's message.
    again = client.post(url, {"unit": world.school_a2.pk, "until": until, "reason": "อีกครั้ง"})
    assert again.status_code == 400
    assert "ได้รับอนุญาตให้รายงาน" in again.content.decode()

    revoke = reverse("monitoring:lateentryexception_revoke", args=[exception.pk])
    assert client.get(revoke).status_code == 200
    missing_reason = client.post(revoke, {"reason": "", "version": exception.version})
    assert missing_reason.status_code == 400
    assert "กรุณาระบุเหตุผลที่ยกเลิกการอนุญาต" in missing_reason.content.decode()
    response = client.post(revoke, {"reason": "ส่งครบแล้ว", "version": exception.version})
    assert response.status_code == 302
    exception.refresh_from_db()
    assert exception.revoked_at is not None
    assert exception.revoke_reason == "ส่งครบแล้ว"
    html = client.get(detail(q2)).content.decode()
    assert "เพิกถอนแล้ว" in html
    assert revoke not in html  # a revoked permission offers no second revoke


def test_a_viewer_may_not_grant_or_revoke(world):
    q2 = f.period("Q2")
    exception = grant(world.school_a2)
    viewer = client_for(world.user(Role.VIEWER, world.province_a))
    add = reverse("monitoring:lateentryexception_add", args=[q2.pk])
    revoke = reverse("monitoring:lateentryexception_revoke", args=[exception.pk])
    assert viewer.get(add).status_code == 403
    assert viewer.get(revoke).status_code == 403
    assert viewer.post(revoke, {"reason": "x", "version": exception.version}).status_code == 403
    html = viewer.get(detail(q2)).content.decode()
    assert add not in html
    assert revoke not in html
