"""The budget section of "waiting for me": requested transfers, for those who may approve them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.budget.inbox import transfers_to_approve
from phaen.budget.models import BudgetTransfer
from phaen.budget.services import transfer_approve, transfer_reject, transfer_request
from phaen.budget.tests.factories import allocate, small_budget
from phaen.core.access import Role, forget_grants

pytestmark = pytest.mark.django_db


@pytest.fixture
def budget(world):
    return small_budget(world)


def request_transfer(budget, amount="1000.00"):
    other = allocate(amount="50000.00", parent=budget.group, project=budget.plan.other_project)
    return transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.activity, target=other, amount=Decimal(amount), reason="ปรับแผน"
        ),
    )


def test_approvers_above_both_sides_see_the_request(budget, world):
    transfer = request_transfer(budget, "12345.50")
    section = transfers_to_approve(world.user(Role.APPROVER, world.province_a))
    assert section.total == 1
    (item,) = section.items
    assert item.text == "ขอโอนเปลี่ยนแปลง 12,345.50 บาท"
    assert item.url == reverse("budget:budgettransfer", args=[transfer.pk])
    assert item.detail == f"จาก {transfer.source} ไปยัง {transfer.target}"


def test_others_do_not(budget, world):
    request_transfer(budget)
    assert transfers_to_approve(world.user(Role.APPROVER, world.province_b)).total == 0
    for role in (Role.VIEWER, Role.REPORTER, Role.PLANNER):
        assert transfers_to_approve(world.user(role, world.province_a)) is None


def test_decided_requests_no_longer_wait(budget, world):
    approver = world.user(Role.APPROVER, world.province_a)
    first = request_transfer(budget)
    second = transfer_request(
        actor=None,
        instance=BudgetTransfer(
            source=budget.activity, target=first.target, amount=Decimal("1.00"), reason="อีกครั้ง"
        ),
    )
    assert transfers_to_approve(approver).total == 2
    transfer_approve(actor=approver, transfer=first, expected_version=first.version)
    transfer_reject(
        actor=approver, transfer=second, expected_version=second.version, note="ไม่จำเป็น"
    )
    assert transfers_to_approve(approver).total == 0


def test_a_fixed_number_of_queries_however_many_wait(budget, world):
    approver = world.user(Role.APPROVER, world.province_a)
    first = request_transfer(budget)

    def queries():
        forget_grants(approver)
        with CaptureQueriesContext(connection) as captured:
            section = transfers_to_approve(approver)
            [item.detail for item in section.items]
        return len(captured), section

    few, section = queries()
    assert (few, section.total) == (3, 1)  # the grants, the count, the items with their labels
    for number in range(4):
        transfer_request(
            actor=None,
            instance=BudgetTransfer(
                source=budget.activity,
                target=first.target,
                amount=Decimal("1.00"),
                reason=f"ครั้งที่ {number}",
            ),
        )
    many, section = queries()
    assert (many, section.total, len(section.items)) == (few, 5, 5)


def test_the_inbox_page_lists_the_request(budget, world, client):
    transfer = request_transfer(budget)
    client.force_login(world.user(Role.APPROVER, world.province_a))
    page = client.get(reverse("inbox")).content.decode()
    assert "คำขอโอนเปลี่ยนแปลงงบประมาณที่รออนุมัติ" in page
    assert reverse("budget:budgettransfer", args=[transfer.pk]) in page
