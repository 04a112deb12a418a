"""Pages of frameworks and nodes through HTTP: scoping, the forms, retire and restore, history,
and query-count baselines of the list and the detail page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phaen.core.access import Role
from phaen.core.models import AuditEvent
from phaen.frameworks.models import Framework, FrameworkNode
from phaen.frameworks.services import node_retire
from phaen.frameworks.tests.factories import make_framework, make_node, make_tree

pytestmark = pytest.mark.django_db

LIST = reverse("frameworks:framework_list")
NATIONAL = ["ns-2560-draft", "ns-2561", "master-plans-2561", "nesdp-12", "nep-2560", "sdg-4"]


def html(response):
    return response.content.decode()


def listed(client, **params):
    """The frameworks the list page links to, as codes."""
    page = html(client.get(LIST, params))
    pks = {int(pk) for pk in re.findall(r'href="/frameworks/(\d+)/"', page)}
    return set(Framework.objects.filter(pk__in=pks).values_list("code", flat=True))


def option_values(page, select_name):
    select = re.search(rf'<select name="{select_name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, f"no select {select_name}"
    return set(re.findall(r'<option value="([^"]+)"', select[1]))


@pytest.fixture
def peo_plan(world):
    """The provincial office's own framework (province A)."""
    framework = make_framework(world.province_a, code="pep-nst-2561")
    make_tree(framework)
    return framework


@pytest.fixture
def other_province(world):
    return make_framework(world.province_b, code="pep-b-2561")


# Scoping ------------------------------------------------------------------------------------------


def test_a_peo_planner_sees_national_frameworks_and_their_own(
    client, world, peo_plan, other_province
):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    assert listed(client) == {*NATIONAL, "pep-nst-2561"}
    assert client.get(peo_plan.get_absolute_url()).status_code == 200
    assert client.get(other_province.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("frameworks:framework_edit", args=[other_province.pk])).status_code
        == 404
    )


def test_a_school_sees_the_peo_plan_but_cannot_change_it(client, world, peo_plan, other_province):
    client.force_login(world.user(Role.PLANNER, world.school_a2))
    assert listed(client) == {*NATIONAL, "pep-nst-2561"}
    page = html(client.get(peo_plan.get_absolute_url()))
    assert "ยุทธศาสตร์" in page
    assert "ข้อ 1.1" in page
    assert reverse("frameworks:framework_edit", args=[peo_plan.pk]) not in page
    assert reverse("frameworks:frameworknode_add") not in page
    assert client.get(reverse("frameworks:framework_edit", args=[peo_plan.pk])).status_code == 403
    assert (
        client.post(reverse("frameworks:framework_delete", args=[peo_plan.pk])).status_code == 403
    )
    node = peo_plan.nodes.get(code="1")
    assert client.get(node.get_absolute_url()).status_code == 200
    for name in ("edit", "retire", "restore", "delete"):
        url = reverse(f"frameworks:frameworknode_{name}", args=[node.pk])
        assert client.get(url).status_code == 403, name
    assert client.get(other_province.get_absolute_url()).status_code == 404


def test_anonymous_visitors_see_national_frameworks_only(client, world, peo_plan):
    assert listed(client) == set(NATIONAL)
    national = Framework.objects.get(code="nep-2560")
    page = html(client.get(national.get_absolute_url()))
    assert "การพัฒนาประสิทธิภาพของระบบบริหารจัดการศึกษา" in page
    assert client.get(peo_plan.get_absolute_url()).status_code == 404
    add = client.get(reverse("frameworks:framework_add"))
    assert add.status_code == 302
    assert add["Location"].startswith(reverse("login"))


def test_national_frameworks_are_read_only_for_planners(client, world):
    client.force_login(world.user(Role.ADMIN, world.root))
    national = Framework.objects.get(code="ns-2561")
    page = html(client.get(national.get_absolute_url()))
    assert reverse("frameworks:framework_edit", args=[national.pk]) not in page
    assert client.get(reverse("frameworks:framework_edit", args=[national.pk])).status_code == 403
    node = national.nodes.get(code="1")
    assert client.get(reverse("frameworks:frameworknode_edit", args=[node.pk])).status_code == 403


def test_a_superuser_may_edit_national_frameworks(client, world):
    client.force_login(world.superuser())
    national = Framework.objects.get(code="ns-2561")
    page = html(client.get(national.get_absolute_url()))
    assert reverse("frameworks:framework_edit", args=[national.pk]) in page
    node = national.nodes.get(code="1")
    response = client.post(
        reverse("frameworks:frameworknode_edit", args=[node.pk]),
        {
            "code": "1",
            "title": "ยุทธศาสตร์ชาติด้านความมั่นคง (ถ้อยคำตามราชกิจจานุเบกษา)",
            "level_name": "ยุทธศาสตร์",
            "order": "1",
            "version": node.version,
            "reason": "ตรวจทานถ้อยคำ",
        },
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.title.endswith("(ถ้อยคำตามราชกิจจานุเบกษา)")


# The list -----------------------------------------------------------------------------------------


def test_the_list_filters(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    assert listed(client, kind="national_strategy") == {"ns-2560-draft", "ns-2561"}
    assert listed(client, level="2") == {"master-plans-2561", "nesdp-12"}
    assert listed(client, status="draft") == {"ns-2560-draft"}
    assert listed(client, year="2560") == {"ns-2560-draft", "nesdp-12", "nep-2560", "sdg-4"}
    assert listed(client, year="2579") == {
        "ns-2560-draft",
        "ns-2561",
        "master-plans-2561",
        "nep-2560",
    }
    assert listed(client, q="แผนแม่บท") == {"master-plans-2561"}
    assert listed(client, is_national="false") == {"pep-nst-2561"}


def test_the_list_sorts_and_exports(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    page = html(client.get(LIST, {"sort": "-node_count"}))
    first = re.search(r'<tbody>\s*<tr><td><a href="/frameworks/(\d+)/"', page)
    assert first is not None
    assert Framework.objects.get(pk=first[1]).code == "master-plans-2561"
    response = client.get(LIST, {"export": "csv", "kind": "sdg"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "ชื่อกรอบ,ประเภท,ระดับ,ปี พ.ศ.,สถานะ,หน่วยงานเจ้าของ,จำนวนข้อ"
    assert lines[1].endswith(",2559–2573,ฉบับประกาศใช้,กรอบระดับชาติ,11")
    assert client.get(LIST, {"export": "xlsx"}).status_code == 200


def test_the_detail_shows_the_tree_with_retired_nodes_marked(client, world, peo_plan):
    planner = world.user(Role.PLANNER, world.province_a)
    node = peo_plan.nodes.get(code="2")
    node_retire(actor=planner, node=node, expected_version=1, reason="รวมกับข้อ 1")
    client.force_login(planner)
    page = html(client.get(peo_plan.get_absolute_url()))
    codes = re.findall(r'<span class="node-code">([^<]+)</span>', page)
    assert codes == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    assert page.count('class="depth-1 retired"') == 2
    assert 'class="depth-0 retired"' in page
    assert "6 ข้อ · ยกเลิกแล้ว 3 ข้อ" in page


def test_the_detail_links_other_versions_of_the_same_family(client):
    national = Framework.objects.get(code="ns-2561")
    page = html(client.get(national.get_absolute_url()))
    draft = Framework.objects.get(code="ns-2560-draft")
    assert "ฉบับอื่นของกรอบเดียวกัน" in page
    assert draft.get_absolute_url() in page


# Frameworks through the forms ---------------------------------------------------------------------


def framework_data(unit, **overrides):
    return {
        "name": "แผนพัฒนาการศึกษาจังหวัดนครศรีธรรมราช พ.ศ. 2561–2565",
        "short_name": "แผนพัฒนาการศึกษาจังหวัด",
        "kind": "provincial_education_plan",
        "level": "3",
        "year_start": "๒๕๖๑",
        "year_end": "2565",
        "status": "final",
        "owner": unit.pk,
        "code": "pep-nst-2561-65",
        "family": "pep-nst",
        **overrides,
    }


def test_a_planner_adds_a_framework_through_the_form(client, world):
    planner = world.user(Role.PLANNER, world.province_a)
    client.force_login(planner)
    page = html(client.get(reverse("frameworks:framework_add")))
    owners = {int(value) for value in option_values(page, "owner")}
    assert owners == {world.province_a.pk, world.group_a1.pk, world.school_a2.pk}
    kinds = option_values(page, "kind")
    assert "provincial_education_plan" in kinds
    assert "ministry_strategy" in kinds
    assert not kinds & {"national_strategy", "master_plan", "nesdp", "sdg"}
    response = client.post(reverse("frameworks:framework_add"), framework_data(world.province_a))
    framework = Framework.objects.get(code="pep-nst-2561-65")
    assert response.status_code == 302
    assert response["Location"] == framework.get_absolute_url()
    assert (framework.year_start, framework.owner) == (2561, world.province_a)
    edit = html(client.get(reverse("frameworks:framework_edit", args=[framework.pk])))
    assert 'value="2561"' in edit  # years are shown without a thousands separator


def test_the_framework_form_refuses_a_national_kind_and_an_outside_owner(client, world):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    url = reverse("frameworks:framework_add")
    response = client.post(url, framework_data(world.province_a, kind="nesdp"))
    assert response.status_code == 400
    response = client.post(url, framework_data(world.province_b))
    assert response.status_code == 400
    response = client.post(url, framework_data(world.province_a, owner=""))
    assert response.status_code == 400
    assert not Framework.objects.filter(code="pep-nst-2561-65").exists()


def test_deleting_an_unused_framework(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    url = reverse("frameworks:framework_delete", args=[peo_plan.pk])
    assert "จะลบกรอบนี้พร้อมข้อในกรอบ 6 ข้อ" in html(client.get(url))
    response = client.post(url, {"version": peo_plan.version, "reason": "บันทึกซ้ำ"})
    assert response.status_code == 302
    assert not Framework.objects.filter(pk=peo_plan.pk).exists()


# Nodes through the forms --------------------------------------------------------------------------


def test_adding_a_child_node_from_the_framework_page(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    parent = peo_plan.nodes.get(code="1")
    add = reverse("frameworks:frameworknode_add")
    page = html(client.get(add, {"framework": peo_plan.pk, "parent": parent.pk}))
    assert option_values(page, "framework") == {str(peo_plan.pk)}  # national ones: read only
    parents = {int(value) for value in option_values(page, "parent")}
    assert parents == set(peo_plan.nodes.values_list("pk", flat=True))
    assert f'<option value="{parent.pk}" selected>1 ข้อ 1</option>' in page
    data = {
        "framework": peo_plan.pk,
        "parent": parent.pk,
        "code": "1.3",
        "title": "ผู้เรียนมีทักษะการคิดวิเคราะห์",
        "level_name": "เป้าประสงค์",
        "_addanother": "1",
    }
    response = client.post(add, data)
    node = peo_plan.nodes.get(code="1.3")
    assert response.status_code == 302
    assert response["Location"] == f"{add}?framework={peo_plan.pk}&parent={parent.pk}"
    assert (node.parent, node.depth, node.order) == (parent, 1, 3)
    data.update(code="1.4", title="ข้อถัดไป")
    del data["_addanother"]
    response = client.post(add, data)
    node = peo_plan.nodes.get(code="1.4")
    assert response["Location"] == f"{peo_plan.get_absolute_url()}#node-{node.pk}"


def test_a_duplicate_code_is_shown_on_the_form(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    response = client.post(
        reverse("frameworks:frameworknode_add"),
        {"framework": peo_plan.pk, "code": "1", "title": "ซ้ำ"},
    )
    assert response.status_code == 400
    assert "รหัสนี้มีอยู่แล้วในกรอบนี้" in html(response)


def test_moving_a_node_through_the_edit_form(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    node = peo_plan.nodes.get(code="1.1")
    url = reverse("frameworks:frameworknode_edit", args=[node.pk])
    page = html(client.get(url))
    parents = {int(value) for value in option_values(page, "parent")}
    assert node.pk not in parents
    assert 'name="framework"' not in page
    target = peo_plan.nodes.get(code="2")
    response = client.post(
        url,
        {
            "parent": target.pk,
            "code": "2.3",
            "title": node.title,
            "order": "",
            "version": node.version,
        },
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert (node.parent, node.code) == (target, "2.3")
    assert node.path.startswith(target.path)
    assert AuditEvent.objects.filter(action="frameworks.frameworknode.moved").exists()


def test_retiring_and_restoring_through_the_pages(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    node = peo_plan.nodes.get(code="1")
    retire = reverse("frameworks:frameworknode_retire", args=[node.pk])
    assert "ข้อย่อยภายใต้ข้อนี้ 2 ข้อจะถูกยกเลิกด้วย" in html(client.get(retire))
    response = client.post(retire, {"version": node.version, "reason": ""})
    assert response.status_code == 400
    assert 'class="field has-error"' in html(response)
    response = client.post(retire, {"version": node.version, "reason": "ยกเลิกตามแผนฉบับทบทวน"})
    assert response.status_code == 302
    node.refresh_from_db()
    assert node.is_retired
    page = html(client.get(node.get_absolute_url()))
    assert "ข้อนี้ยกเลิกแล้ว" in page
    assert "ยกเลิกตามแผนฉบับทบทวน" in page
    assert "ยกเลิกแล้ว 3 ข้อ" in html(client.get(peo_plan.get_absolute_url()))
    stale = client.post(
        reverse("frameworks:frameworknode_restore", args=[node.pk]),
        {"version": node.version - 1, "reason": "ใช้ต่อ"},
    )
    assert stale.status_code == 400
    assert "มีผู้อื่นบันทึกการแก้ไขรายการนี้ไปแล้ว" in html(stale)
    response = client.post(
        reverse("frameworks:frameworknode_restore", args=[node.pk]),
        {"version": node.version, "reason": "ใช้ต่อ"},
    )
    assert response.status_code == 302
    node.refresh_from_db()
    assert not node.is_retired


def test_restoring_under_a_retired_parent_says_why_not(client, world, peo_plan):
    planner = world.user(Role.PLANNER, world.province_a)
    node_retire(
        actor=planner, node=peo_plan.nodes.get(code="1"), expected_version=1, reason="ยกเลิก"
    )
    child = peo_plan.nodes.get(code="1.1")
    client.force_login(planner)
    response = client.post(
        reverse("frameworks:frameworknode_restore", args=[child.pk]),
        {"version": child.version, "reason": "ใช้ต่อ"},
    )
    assert response.status_code == 400
    assert "ต้องนำข้อแม่ “1 ข้อ 1” กลับมาใช้ก่อน" in html(response)


def test_deleting_a_node_goes_back_to_its_framework(client, world, peo_plan):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    node = peo_plan.nodes.get(code="2")
    url = reverse("frameworks:frameworknode_delete", args=[node.pk])
    assert "ข้อย่อยภายใต้ข้อนี้ 2 ข้อจะถูกลบด้วย" in html(client.get(url))
    response = client.post(url, {"version": node.version, "reason": "บันทึกผิด"})
    assert response.status_code == 302
    assert response["Location"] == peo_plan.get_absolute_url()
    assert set(peo_plan.nodes.values_list("code", flat=True)) == {"1", "1.1", "1.2"}


def test_the_node_detail_shows_its_place_and_the_nodes_below(client, world, peo_plan):
    node = peo_plan.nodes.get(code="1.1")
    make_node(peo_plan, "1.1.1", node)
    client.force_login(world.user(Role.VIEWER, world.school_a2))
    page = html(client.get(peo_plan.nodes.get(code="1").get_absolute_url()))
    assert re.findall(r'<span class="node-code">([^<]+)</span>', page) == [
        "1",
        "1.1",
        "1.1.1",
        "1.2",
    ]
    assert 'class="depth-1"' in page  # 1.1.1 sits one level below 1.1 in the list of nodes below
    page = html(client.get(node.get_absolute_url()))
    assert peo_plan.nodes.get(code="1").get_absolute_url() in page  # the ancestor crumb


def test_the_node_list_searches_every_framework_the_user_sees(
    client, world, peo_plan, other_province
):
    make_node(other_province, "9", title="ความลับของจังหวัดอื่น")
    client.force_login(world.user(Role.VIEWER, world.school_a2))
    url = reverse("frameworks:frameworknode_list")
    page = html(client.get(url, {"q": "ความมั่นคง"}))
    assert "ยุทธศาสตร์ชาติด้านความมั่นคง" in page
    assert "ความลับของจังหวัดอื่น" not in html(client.get(url, {"q": "ความลับ"}))
    sdg = Framework.objects.get(code="sdg-4")
    page = html(client.get(url, {"framework": sdg.pk, "sort": "code"}))
    assert "แสดง 1–11 จาก 11 รายการ" in page


def test_history_pages(client, world, peo_plan):
    client.force_login(world.user(Role.VIEWER, world.school_a2))
    node = peo_plan.nodes.first()
    for url in (
        reverse("frameworks:framework_history", args=[peo_plan.pk]),
        reverse("frameworks:frameworknode_history", args=[node.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "ประวัติการเปลี่ยนแปลง" in html(response)


# Query counts -------------------------------------------------------------------------------------


def queries_for(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def grow_nodes(framework, count, start):
    parent = FrameworkNode.objects.filter(framework=framework, depth=0).first()
    for index in range(start, start + count):
        make_node(framework, f"N{index}", parent if index % 2 else None)


def test_the_detail_page_runs_a_constant_number_of_queries(
    client, world, peo_plan, django_assert_max_num_queries
):
    client.force_login(world.user(Role.PLANNER, world.province_a))
    url = peo_plan.get_absolute_url()
    client.get(url)
    grow_nodes(peo_plan, 10, 0)
    with django_assert_max_num_queries(14):
        small = queries_for(client, url)
    grow_nodes(peo_plan, 50, 10)
    large = queries_for(client, url)
    assert small == large, (small, large)


def test_the_list_page_runs_a_constant_number_of_queries(
    client, world, peo_plan, django_assert_max_num_queries, settings
):
    settings.PHAEN_LIST_PAGE_SIZE = 200
    client.force_login(world.user(Role.PLANNER, world.province_a))
    client.get(LIST)
    frameworks = [make_framework(world.province_a, code=f"f{index}") for index in range(10)]
    for framework in frameworks:
        grow_nodes(framework, 1, 0)
    with django_assert_max_num_queries(8):
        small = queries_for(client, LIST)
    frameworks = [make_framework(world.group_a1, code=f"g{index}") for index in range(50)]
    grow_nodes(peo_plan, 60, 100)
    large = queries_for(client, LIST)
    assert small == large, (small, large)
    node_list = reverse("frameworks:frameworknode_list")
    small = queries_for(client, node_list)
    grow_nodes(frameworks[0], 60, 0)
    assert queries_for(client, node_list) == small
