"""Services of frameworks and nodes: results, audit records and refusals (that change nothing).

Refusals that need a plan linking to a node (delete refused when linked) are in
tests/test_frameworks_in_plans.py: plans sit above frameworks, so this package may not import them.
"""

import pytest
from django.core.exceptions import ValidationError

from phaen.core.access import Action, Role, can
from phaen.core.exceptions import DomainError, OutOfScopeError, StaleEditError
from phaen.core.models import AuditEvent
from phaen.core.trees import child_path
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.services import (
    framework_create,
    framework_delete,
    framework_update,
    node_create,
    node_delete,
    node_restore,
    node_retire,
    node_update,
)
from phaen.frameworks.tests.factories import make_framework, make_node, make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def planner(world):
    return world.user(Role.PLANNER, world.province_a)


@pytest.fixture
def framework(world):
    return make_framework(world.province_a)


def events(action):
    return AuditEvent.objects.filter(action=action)


# Frameworks ---------------------------------------------------------------------------------


def test_framework_create_audits_with_the_owner_path(world, planner):
    framework = framework_create(
        actor=planner,
        instance=Framework(
            code="moe-2561",
            name="ยุทธศาสตร์กระทรวงศึกษาธิการ พ.ศ. 2561",
            family="moe",
            kind=Framework.Kind.MINISTRY_STRATEGY,
            level=3,
            year_start=2561,
            year_end=2561,
            status=Framework.Status.FINAL,
            owner=world.province_a,
        ),
        reason="บันทึกยุทธศาสตร์กระทรวง",
    )
    event = events("frameworks.framework.created").get()
    assert (event.actor, event.reason, event.object_id) == (
        planner,
        "บันทึกยุทธศาสตร์กระทรวง",
        str(framework.pk),
    )
    assert event.unit_path == world.province_a.path
    assert event.after["owner"] == {"id": world.province_a.pk, "label": world.province_a.name}


def test_framework_create_outside_the_actors_units_is_refused(world, planner):
    with pytest.raises(OutOfScopeError):
        make_framework_as(planner, world.province_b)
    assert not Framework.objects.filter(code="x-2561").exists()


def make_framework_as(actor, owner, kind=Framework.Kind.PROVINCIAL_STRATEGY):
    return framework_create(
        actor=actor,
        instance=Framework(
            code="x-2561",
            name="กรอบทดสอบ",
            family="x",
            kind=kind,
            year_start=2561,
            year_end=2564,
            status=Framework.Status.DRAFT,
            owner=owner,
        ),
    )


def test_a_planner_cannot_create_a_national_framework(world, planner):
    with pytest.raises(OutOfScopeError):
        make_framework_as(planner, None)
    assert not Framework.objects.filter(code="x-2561").exists()


def test_a_national_kind_belongs_to_no_unit(world, planner):
    with pytest.raises(DomainError) as caught:
        make_framework_as(planner, world.province_a, kind=Framework.Kind.NESDP)
    assert caught.value.field == "kind"
    assert "กรอบระดับชาติ" in caught.value.message
    assert not Framework.objects.filter(code="x-2561").exists()


def test_a_superuser_may_add_a_national_framework(world):
    framework = make_framework_as(world.superuser(), None, kind=Framework.Kind.NESDP)
    assert framework.is_national


def test_years_must_be_in_order(world, planner):
    with pytest.raises(ValidationError) as caught:
        framework_create(
            actor=planner,
            instance=Framework(
                code="y-2561",
                name="กรอบทดสอบ",
                family="y",
                kind=Framework.Kind.OTHER,
                year_start=2565,
                year_end=2561,
                status=Framework.Status.DRAFT,
                owner=world.province_a,
            ),
        )
    assert "ปีสิ้นสุดต้องไม่ก่อนปีเริ่มต้น" in str(caught.value)


def test_national_frameworks_are_read_by_everyone_and_changed_by_superusers_only(world):
    national = Framework.objects.get(code="ns-2561")
    for role in Role:
        user = world.user(role, world.root)
        assert can(user, Action.VIEW, national)
        for action in (Action.CHANGE, Action.DELETE):
            assert not can(user, action, national), (role, action)
    assert can(world.superuser(), Action.CHANGE, national)
    node = national.nodes.get(code="3")
    node.title = "แก้โดยไม่มีสิทธิ์"
    admin = world.user(Role.ADMIN, world.root)
    with pytest.raises(OutOfScopeError):
        node_update(actor=admin, instance=node, expected_version=node.version)
    assert FrameworkNode.objects.get(pk=node.pk).title != "แก้โดยไม่มีสิทธิ์"
    node.title = "ยุทธศาสตร์ชาติด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์ (แก้ไข)"
    node_update(actor=world.superuser(), instance=node, expected_version=node.version)
    assert events("frameworks.frameworknode.updated").get().actor == world.superuser()


def test_framework_update_checks_the_version(world, planner, framework):
    framework.name = "ชื่อใหม่"
    framework_update(actor=planner, instance=framework, expected_version=1)
    stale = Framework.objects.get(pk=framework.pk)
    stale.name = "ชื่อที่แก้จากฉบับเก่า"
    with pytest.raises(StaleEditError):
        framework_update(actor=planner, instance=stale, expected_version=1)
    assert Framework.objects.get(pk=framework.pk).name == "ชื่อใหม่"


def test_a_reader_of_the_owner_cannot_change_it(world, framework):
    school_planner = world.user(Role.PLANNER, world.school_a2)
    assert can(school_planner, Action.VIEW, framework)  # the PEO's plan, read from below
    framework.name = "แก้โดยโรงเรียน"
    with pytest.raises(OutOfScopeError):
        framework_update(actor=school_planner, instance=framework, expected_version=1)


def test_framework_delete_removes_the_nodes_and_audits_each(world, planner, framework):
    nodes = make_tree(framework)
    framework_delete(actor=planner, instance=framework, expected_version=1, reason="บันทึกซ้ำ")
    assert not Framework.objects.filter(pk=framework.pk).exists()
    assert not FrameworkNode.objects.filter(pk__in=[n.pk for n in nodes]).exists()
    assert events("frameworks.framework.deleted").get().reason == "บันทึกซ้ำ"
    deleted = events("frameworks.frameworknode.deleted")
    assert {e.object_id for e in deleted} == {str(n.pk) for n in nodes}
    assert {e.unit_path for e in deleted} == {world.province_a.path}


# Nodes --------------------------------------------------------------------------------------


def test_node_create_gives_path_depth_and_order(world, planner, framework):
    strategy = node_create(
        actor=planner, instance=FrameworkNode(framework=framework, code="1", title="ยุทธศาสตร์ที่ 1")
    )
    first = node_create(
        actor=planner,
        instance=FrameworkNode(framework=framework, parent=strategy, code="1.1", title="เป้าหมาย"),
    )
    second = node_create(
        actor=planner,
        instance=FrameworkNode(framework=framework, parent=strategy, code="1.2", title="เป้าหมาย"),
    )
    strategy.refresh_from_db()
    second.refresh_from_db()
    assert (strategy.path, strategy.depth, strategy.order) == (child_path(None, strategy.pk), 0, 1)
    assert (second.path, second.depth) == (child_path(strategy.path, second.pk), 1)
    assert (first.order, second.order) == (1, 2)
    event = events("frameworks.frameworknode.created").filter(object_id=str(second.pk)).get()
    assert event.actor == planner
    assert event.unit_path == world.province_a.path
    assert "path" not in event.after


def test_node_create_refuses_a_parent_of_another_framework(world, planner, framework):
    other = make_framework(world.province_a, code="other-2561")
    foreign = make_node(other, "1")
    with pytest.raises(DomainError) as caught:
        node_create(
            actor=planner,
            instance=FrameworkNode(framework=framework, parent=foreign, code="1.1", title="ข้อ"),
        )
    assert (caught.value.field, caught.value.message) == ("parent", "ข้อแม่ต้องอยู่ในกรอบเดียวกัน")
    assert not framework.nodes.exists()


def test_node_codes_are_unique_within_a_framework(world, planner, framework):
    make_node(framework, "1")
    with pytest.raises(ValidationError) as caught:
        make_node(framework, "1")
    assert "รหัสนี้มีอยู่แล้วในกรอบนี้" in str(caught.value)
    make_node(make_framework(world.province_a, code="other-2561"), "1")  # another framework: fine


def test_node_create_outside_the_scope_writes_nothing(world, framework):
    outsider = world.user(Role.PLANNER, world.province_b)
    with pytest.raises(OutOfScopeError):
        node_create(
            actor=outsider, instance=FrameworkNode(framework=framework, code="1", title="ข้อ")
        )
    assert not framework.nodes.exists()
    assert not events("frameworks.frameworknode.created").exists()


def test_node_update_moves_the_subtree(world, planner, framework):
    one, one_one, _one_two, two, two_one, two_two = make_tree(framework)
    deep = make_node(framework, "1.1.1", one_one)
    one_one.refresh_from_db()
    one_one.parent = two_two
    node_update(actor=planner, instance=one_one, expected_version=1, reason="จัดกลุ่มใหม่")
    one_one.refresh_from_db()
    deep.refresh_from_db()
    two_two.refresh_from_db()
    assert (one_one.path, one_one.depth) == (child_path(two_two.path, one_one.pk), 2)
    assert (deep.path, deep.depth) == (child_path(one_one.path, deep.pk), 3)
    assert list(FrameworkNode.objects.filter(path__startswith=two.path).order_by("path")) == [
        two,
        two_one,
        two_two,
        one_one,
        deep,
    ]
    event = events("frameworks.frameworknode.moved").get()
    assert event.before["parent"]["id"] == one.pk
    assert event.after["parent"]["id"] == two_two.pk
    assert event.reason == "จัดกลุ่มใหม่"


def test_node_update_to_the_top_level(world, planner, framework):
    _one, one_one, *_ = make_tree(framework)
    one_one.parent = None
    node_update(actor=planner, instance=one_one, expected_version=1)
    one_one.refresh_from_db()
    assert (one_one.path, one_one.depth) == (child_path(None, one_one.pk), 0)


@pytest.mark.parametrize("target", ["self", "child"])
def test_a_node_cannot_move_under_itself(world, planner, framework, target):
    one, one_one, *_ = make_tree(framework)
    path = one.path
    one.parent = one if target == "self" else one_one
    with pytest.raises(DomainError) as caught:
        node_update(actor=planner, instance=one, expected_version=1)
    assert caught.value.message == "ย้ายข้อไปอยู่ใต้ตัวเองหรือใต้ข้อย่อยของตัวเองไม่ได้"
    assert FrameworkNode.objects.get(pk=one.pk).path == path
    assert not events("frameworks.frameworknode.moved").exists()


def test_a_node_cannot_move_to_another_framework(world, planner, framework):
    node = make_node(framework, "1")
    other = make_framework(world.province_a, code="other-2561")
    node.framework = other
    with pytest.raises(DomainError):
        node_update(actor=planner, instance=node, expected_version=1)
    node.framework = framework
    node.parent = make_node(other, "9")
    with pytest.raises(DomainError) as caught:
        node_update(actor=planner, instance=node, expected_version=1)
    assert caught.value.message == "ข้อแม่ต้องอยู่ในกรอบเดียวกัน"


def test_node_update_keeps_the_retired_flag(world, planner, framework):
    node = make_node(framework, "1")
    node.is_retired = True
    node.title = "ชื่อใหม่"
    node_update(actor=planner, instance=node, expected_version=1)
    node.refresh_from_db()
    assert (node.title, node.is_retired) == ("ชื่อใหม่", False)


def test_node_retire_needs_a_reason_and_retires_the_subtree(world, planner, framework):
    one, one_one, one_two, _two, *_ = make_tree(framework)
    with pytest.raises(DomainError) as caught:
        node_retire(actor=planner, node=one, expected_version=1, reason="  ")
    assert (caught.value.field, caught.value.message) == ("reason", "ต้องระบุเหตุผล")
    count = node_retire(actor=planner, node=one, expected_version=1, reason="ยกเลิกตามแผนฉบับใหม่")
    assert count == 3
    retired = set(FrameworkNode.objects.filter(is_retired=True).values_list("pk", flat=True))
    assert retired == {one.pk, one_one.pk, one_two.pk}
    one.refresh_from_db()
    assert (one.version, one.retired_reason, one.updated_by) == (2, "ยกเลิกตามแผนฉบับใหม่", planner)
    events_ = events("frameworks.frameworknode.retired")
    assert events_.count() == 3
    assert {e.reason for e in events_} == {"ยกเลิกตามแผนฉบับใหม่"}
    assert events_.get(object_id=str(one.pk)).after["is_retired"] is True


def test_a_retired_parent_takes_no_new_nodes(world, planner, framework):
    one = make_node(framework, "1")
    node_retire(actor=planner, node=one, expected_version=1, reason="ยกเลิก")
    one.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        node_create(
            actor=planner,
            instance=FrameworkNode(framework=framework, parent=one, code="1.1", title="ข้อ"),
        )
    assert "ถูกยกเลิกแล้ว" in caught.value.message
    # A retired node may be recorded under it (an import of a framework's history).
    node_create(
        actor=planner,
        instance=FrameworkNode(
            framework=framework,
            parent=one,
            code="1.1",
            title="ข้อ",
            is_retired=True,
            retired_reason="ยกเลิกพร้อมข้อแม่",
        ),
    )


def test_node_restore_brings_back_one_node_after_its_parent(world, planner, framework):
    one, one_one, *_ = make_tree(framework)
    node_retire(actor=planner, node=one, expected_version=1, reason="ยกเลิก")
    one_one.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        node_restore(actor=planner, node=one_one, expected_version=2, reason="ใช้ต่อ")
    assert caught.value.message == "ต้องนำข้อแม่ “1 ข้อ 1” กลับมาใช้ก่อน"
    with pytest.raises(DomainError):
        node_restore(actor=planner, node=one, expected_version=2, reason="")
    node_restore(actor=planner, node=one, expected_version=2, reason="ใช้ต่อ")
    one.refresh_from_db()
    one_one.refresh_from_db()
    assert (one.is_retired, one.retired_reason, one.version) == (False, "", 3)
    assert one_one.is_retired  # nodes under it come back one by one
    assert events("frameworks.frameworknode.restored").get().reason == "ใช้ต่อ"


def test_retire_and_restore_check_the_version_and_the_scope(world, framework):
    node = make_node(framework, "1")
    planner = world.user(Role.PLANNER, world.province_a)
    with pytest.raises(StaleEditError):
        node_retire(actor=planner, node=node, expected_version=7, reason="ยกเลิก")
    with pytest.raises(OutOfScopeError):
        node_retire(
            actor=world.user(Role.VIEWER, world.province_a),
            node=node,
            expected_version=1,
            reason="ยกเลิก",
        )
    assert not FrameworkNode.objects.get(pk=node.pk).is_retired


def test_node_delete_removes_the_subtree_and_audits_each(world, planner, framework):
    one, one_one, one_two, _two, *_ = make_tree(framework)
    node_delete(actor=planner, instance=one, expected_version=1, reason="บันทึกผิด")
    assert set(framework.nodes.values_list("code", flat=True)) == {"2", "2.1", "2.2"}
    deleted = events("frameworks.frameworknode.deleted")
    assert {e.object_id for e in deleted} == {str(one.pk), str(one_one.pk), str(one_two.pk)}
    assert {e.reason for e in deleted} == {"บันทึกผิด"}


def test_node_delete_by_a_reader_is_refused(world, framework):
    node = make_node(framework, "1")
    with pytest.raises(OutOfScopeError):
        node_delete(actor=world.user(Role.APPROVER, world.province_a), instance=node)
    assert FrameworkNode.objects.filter(pk=node.pk).exists()
    assert not events("frameworks.frameworknode.deleted").exists()
