"""Reporting periods, per-unit deadlines and late-entry exceptions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from phaen.core.access import Role
from phaen.core.exceptions import DomainError, OutOfScopeError, StaleEditError
from phaen.core.models import AuditEvent
from phaen.core.services import object_create
from phaen.monitoring import services
from phaen.monitoring.models import LateEntryException, PeriodDeadline, ReportingPeriod
from phaen.monitoring.selectors import effective_deadline, late_entry_covers, periods_for
from phaen.monitoring.tests.factories import period
from phaen.plans.models import FiscalYear
from phaen.plans.tests.factories import fiscal_year

pytestmark = pytest.mark.django_db


def test_a_new_fiscal_year_gets_its_periods_with_the_default_dates(world):
    year = object_create(actor=world.user(Role.PLANNER, world.root), instance=FiscalYear(year=2561))
    periods = {p.kind: p for p in periods_for(year)}
    assert list(periods) == ["Q1", "Q2", "H1", "Q3", "Q4", "YEAR"]
    q1 = periods["Q1"]
    assert (q1.starts_on, q1.ends_on) == (date(2017, 10, 1), date(2017, 12, 31))
    assert (q1.opens_on, q1.due_on, q1.locks_on) == (
        date(2017, 10, 1),
        date(2018, 1, 15),
        date(2018, 1, 30),
    )
    assert (periods["H1"].starts_on, periods["H1"].ends_on) == (
        date(2017, 10, 1),
        date(2018, 3, 31),
    )
    assert (periods["Q4"].starts_on, periods["Q4"].ends_on) == (date(2018, 7, 1), date(2018, 9, 30))
    assert periods["YEAR"].due_on == date(2018, 10, 15)
    assert str(periods["Q2"]) == "ไตรมาสที่ 2/2561"
    assert str(periods["H1"]) == "รอบ 6 เดือน ปีงบประมาณ พ.ศ. 2561"
    event = AuditEvent.objects.get(action="monitoring.reportingperiod.generated")
    assert event.after == {"periods": ["Q1", "Q2", "Q3", "Q4", "H1", "YEAR"]}
    assert event.actor == world.user(Role.PLANNER, world.root)


def test_generating_again_adds_only_what_is_missing_and_keeps_edited_dates():
    year = fiscal_year(2562)
    q2 = ReportingPeriod.objects.get(fiscal_year=year, kind="Q2")
    q2.due_on = date(2019, 4, 30)
    q2.locks_on = date(2019, 5, 15)
    services.period_update(actor=None, instance=q2, expected_version=q2.version)
    ReportingPeriod.objects.filter(fiscal_year=year, kind="YEAR").delete()

    periods = services.periods_generate(actor=None, fiscal_year=year)

    assert len(periods) == 6
    assert ReportingPeriod.objects.get(fiscal_year=year, kind="Q2").due_on == date(2019, 4, 30)
    assert services.periods_generate(actor=None, fiscal_year=year) == periods
    assert AuditEvent.objects.filter(action="monitoring.reportingperiod.generated").count() == 2


def test_only_planners_at_a_top_level_unit_manage_periods(world):
    year = fiscal_year(2561)
    with pytest.raises(OutOfScopeError):
        services.periods_generate(
            actor=world.user(Role.PLANNER, world.province_a), fiscal_year=year
        )
    q1 = period("Q1")
    q1.due_on = date(2018, 1, 20)
    with pytest.raises(OutOfScopeError):
        services.period_update(
            actor=world.user(Role.PLANNER, world.province_a), instance=q1, expected_version=1
        )
    updated = services.period_update(
        actor=world.user(Role.PLANNER, world.root), instance=q1, expected_version=1
    )
    assert updated.due_on == date(2018, 1, 20)
    assert updated.version == 2


def test_period_dates_keep_their_order_and_stale_edits_are_refused():
    q1 = period("Q1")
    q1.locks_on = q1.due_on - timedelta(days=1)
    with pytest.raises(ValidationError, match="เปิดให้รายงาน ≤ กำหนดส่ง ≤ วันปิดรับรายงาน"):
        services.period_update(actor=None, instance=q1, expected_version=q1.version)
    fresh = period("Q1")
    fresh.due_on = date(2018, 1, 16)
    services.period_update(actor=None, instance=fresh, expected_version=1)
    stale = period("Q1")
    stale.due_on = date(2018, 1, 17)
    with pytest.raises(StaleEditError, match="มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว"):
        services.period_update(actor=None, instance=stale, expected_version=1)
    assert period("Q1").due_on == date(2018, 1, 16)


def test_the_calendar_days_of_a_period_cannot_be_changed_through_an_edit():
    q1 = period("Q1")
    q1.starts_on = date(2017, 11, 1)
    services.period_update(actor=None, instance=q1, expected_version=q1.version)
    assert period("Q1").starts_on == date(2017, 10, 1)


def test_the_nearest_deadline_above_a_unit_wins(world):
    q2 = period("Q2")
    assert effective_deadline(q2, world.school_a2.path).due_on == q2.due_on
    planner = world.user(Role.PLANNER, world.province_a)
    services.deadline_set(
        actor=planner,
        period=q2,
        unit=world.province_a,
        due_on=date(2018, 4, 10),
        locks_on=date(2018, 4, 20),
    )
    services.deadline_set(
        actor=planner,
        period=q2,
        unit=world.school_a2,
        due_on=date(2018, 4, 5),
        locks_on=date(2018, 4, 25),
    )
    assert effective_deadline(q2, world.school_a2.path).due_on == date(2018, 4, 5)
    assert effective_deadline(q2, world.group_a1.path).due_on == date(2018, 4, 10)
    assert effective_deadline(q2, world.school_b1.path).due_on == q2.due_on

    changed = services.deadline_set(
        actor=planner,
        period=q2,
        unit=world.province_a,
        due_on=date(2018, 4, 12),
        locks_on=date(2018, 4, 20),
        expected_version=1,
    )
    assert changed.version == 2
    assert PeriodDeadline.objects.filter(period=q2, unit=world.province_a).count() == 1
    services.deadline_clear(actor=planner, period=q2, unit=world.school_a2)
    assert effective_deadline(q2, world.school_a2.path).due_on == date(2018, 4, 12)


def test_deadlines_are_set_in_scope_only_and_keep_their_order(world):
    q2 = period("Q2")
    with pytest.raises(OutOfScopeError):
        services.deadline_set(
            actor=world.user(Role.PLANNER, world.province_b),
            period=q2,
            unit=world.school_a2,
            due_on=date(2018, 4, 10),
            locks_on=date(2018, 4, 20),
        )
    with pytest.raises(OutOfScopeError):
        services.deadline_set(
            actor=world.user(Role.REPORTER, world.school_a2),
            period=q2,
            unit=world.school_a2,
            due_on=date(2018, 4, 10),
            locks_on=date(2018, 4, 20),
        )
    with pytest.raises(ValidationError, match="วันปิดรับรายงานต้องไม่ก่อนกำหนดส่ง"):
        services.deadline_set(
            actor=None,
            period=q2,
            unit=world.school_a2,
            due_on=date(2018, 4, 10),
            locks_on=date(2018, 4, 1),
        )
    assert not PeriodDeadline.objects.exists()


def test_late_entry_needs_a_reason_and_covers_the_unit_and_below_until_revoked(world):
    q2 = period("Q2")
    planner = world.user(Role.PLANNER, world.province_a)
    today = timezone.localdate()
    with pytest.raises(DomainError, match="กรุณาระบุเหตุผล"):
        services.late_entry_grant(
            actor=planner, period=q2, unit=world.province_a, until=today, reason="  "
        )
    granted = services.late_entry_grant(
        actor=planner,
        period=q2,
        unit=world.province_a,
        until=today + timedelta(days=3),
        reason="ระบบเครือข่ายขัดข้อง",
    )
    assert late_entry_covers(q2, world.school_a2.path, today)
    assert not late_entry_covers(q2, world.school_b1.path, today)
    assert not late_entry_covers(q2, world.school_a2.path, today + timedelta(days=4))
    with pytest.raises(DomainError, match="อยู่แล้ว"):
        services.late_entry_grant(
            actor=planner, period=q2, unit=world.province_a, until=today, reason="ซ้ำ"
        )
    event = AuditEvent.objects.get(action="monitoring.lateentryexception.created")
    assert event.reason == "ระบบเครือข่ายขัดข้อง"

    with pytest.raises(DomainError, match="เหตุผล"):
        services.late_entry_revoke(
            actor=planner, exception=granted, expected_version=granted.version, reason=""
        )
    revoked = services.late_entry_revoke(
        actor=planner, exception=granted, expected_version=granted.version, reason="ส่งครบแล้ว"
    )
    assert revoked.revoked_by == planner
    assert not late_entry_covers(q2, world.school_a2.path, today)
    assert AuditEvent.objects.filter(action="monitoring.lateentryexception.revoked").exists()
    # A new permission may be granted once the old one is revoked.
    services.late_entry_grant(
        actor=planner, period=q2, unit=world.province_a, until=today, reason="อีกครั้ง"
    )
    assert LateEntryException.objects.count() == 2


def test_late_entry_is_granted_by_planners_in_scope_for_a_future_date(world):
    q2 = period("Q2")
    today = timezone.localdate()
    for user in (
        world.user(Role.REPORTER, world.province_a),
        world.user(Role.PLANNER, world.province_b),
    ):
        with pytest.raises(OutOfScopeError):
            services.late_entry_grant(
                actor=user, period=q2, unit=world.school_a2, until=today, reason="ขอ"
            )
    with pytest.raises(DomainError, match="ต้องไม่ก่อนวันนี้"):
        services.late_entry_grant(
            actor=world.user(Role.PLANNER, world.province_a),
            period=q2,
            unit=world.school_a2,
            until=today - timedelta(days=1),
            reason="ย้อนหลัง",
        )
    assert not LateEntryException.objects.exists()
