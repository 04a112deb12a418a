"""The national frameworks phaen ships (data migration 0002): counts, codes, and their pages."""

import re

import pytest
from django.urls import reverse

from phaen.frameworks.models import Framework
from phaen.frameworks.reference_data import load_national_frameworks
from phaen.frameworks.selectors import framework_tree

pytestmark = pytest.mark.django_db

NATIONAL_STRATEGY_TITLES = [
    "ยุทธศาสตร์ชาติด้านความมั่นคง",
    "ยุทธศาสตร์ชาติด้านการสร้างความสามารถในการแข่งขัน",
    "ยุทธศาสตร์ชาติด้านการพัฒนาและเสริมสร้างศักยภาพทรัพยากรมนุษย์",
    "ยุทธศาสตร์ชาติด้านการสร้างโอกาสและความเสมอภาคทางสังคม",
    "ยุทธศาสตร์ชาติด้านการสร้างการเติบโตบนคุณภาพชีวิตที่เป็นมิตรต่อสิ่งแวดล้อม",
    "ยุทธศาสตร์ชาติด้านการปรับสมดุลและพัฒนาระบบการบริหารจัดการภาครัฐ",
]


def tree_codes(code):
    framework = Framework.objects.get(code=code)
    return [(node.code, node.depth) for node in framework_tree(framework)]


def top_codes(code):
    return [node_code for node_code, depth in tree_codes(code) if depth == 0]


def test_the_national_strategy_in_two_versions():
    draft = Framework.objects.get(code="ns-2560-draft")
    final = Framework.objects.get(code="ns-2561")
    assert draft.family == final.family == "national-strategy"
    assert (draft.status, draft.years, draft.level) == ("draft", "2560–2579", 1)
    assert (final.status, final.years, final.level) == ("final", "2561–2580", 1)
    for framework in (draft, final):
        nodes = framework_tree(framework)
        assert [node.code for node in nodes] == ["1", "2", "3", "4", "5", "6"]
        assert [node.title for node in nodes] == NATIONAL_STRATEGY_TITLES
        assert framework.owner is None


def test_the_23_master_plans_with_sub_plans_under_11_and_12():
    codes = tree_codes("master-plans-2561")
    assert top_codes("master-plans-2561") == [str(number) for number in range(1, 24)]
    sub_plans = [(code, depth) for code, depth in codes if depth == 1]
    assert sub_plans == [
        ("11.1", 1),
        ("11.2", 1),
        ("11.3", 1),
        ("11.4", 1),
        ("11.5", 1),
        ("12.1", 1),
        ("12.2", 1),
    ]
    # Each sub-plan sits right under its master plan in reading order.
    assert [code for code, _depth in codes[10:19]] == [
        "11",
        "11.1",
        "11.2",
        "11.3",
        "11.4",
        "11.5",
        "12",
        "12.1",
        "12.2",
    ]
    framework = Framework.objects.get(code="master-plans-2561")
    assert framework.nodes.get(code="12").title == "การพัฒนาการเรียนรู้"
    assert framework.nodes.get(code="12.1").parent.code == "12"


def test_the_12th_nesdp_and_the_national_education_plan():
    assert top_codes("nesdp-12") == [str(number) for number in range(1, 11)]
    assert len(tree_codes("nesdp-12")) == 10
    assert top_codes("nep-2560") == ["1", "2", "3", "4", "5", "6"]
    nep = Framework.objects.get(code="nep-2560")
    assert (nep.years, nep.kind) == ("2560–2579", "national_education_plan")
    assert nep.nodes.get(code="4").title == "การสร้างโอกาส ความเสมอภาค และความเท่าเทียมทางการศึกษา"


def test_sdg_4_with_its_ten_targets():
    assert tree_codes("sdg-4") == [
        ("4", 0),
        *[(f"4.{number}", 1) for number in range(1, 8)],
        ("4.a", 1),
        ("4.b", 1),
        ("4.c", 1),
    ]
    assert Framework.objects.get(code="sdg-4").level is None


def test_loading_again_adds_nothing():
    from phaen.frameworks.models import FrameworkNode

    count = FrameworkNode.objects.count()
    assert load_national_frameworks(Framework, FrameworkNode) == 0
    assert FrameworkNode.objects.count() == count


def test_every_shipped_node_has_a_consistent_path():
    for framework in Framework.objects.filter(owner=None):
        for node in framework.nodes.select_related("parent"):
            expected = (node.parent.path if node.parent else "/") + f"{node.pk:010d}/"
            assert node.path == expected, node
            assert node.depth == (node.parent.depth + 1 if node.parent else 0)


def test_the_list_page_shows_the_shipped_frameworks(client):
    page = client.get(reverse("frameworks:framework_list")).content.decode()
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    by_name = {re.sub(r"<[^>]+>", "", row[0]).strip(): row for row in cells}
    assert len(by_name) == 6
    master = by_name["แผนแม่บทภายใต้ยุทธศาสตร์ชาติ (พ.ศ. 2561–2580)"]
    assert [cell.strip() for cell in master[1:]] == [
        "แผนแม่บทภายใต้ยุทธศาสตร์ชาติ",
        "ระดับที่ 2",
        "2561–2580",
        "ฉบับประกาศใช้",
        "กรอบระดับชาติ",
        "30",
    ]
    assert by_name["เป้าหมายการพัฒนาที่ยั่งยืน เป้าหมายที่ 4 การศึกษาที่มีคุณภาพ"][-1].strip() == "11"
    # Levels 1, 2, 3, then SDG 4 (no level) last; the newer version of a framework first.
    names = {framework.name: framework.code for framework in Framework.objects.all()}
    assert [names[name] for name in by_name] == [
        "ns-2561",
        "ns-2560-draft",
        "master-plans-2561",
        "nesdp-12",
        "nep-2560",
        "sdg-4",
    ]


def test_the_detail_page_shows_the_master_plans_as_a_tree(client):
    framework = Framework.objects.get(code="master-plans-2561")
    page = client.get(framework.get_absolute_url()).content.decode()
    items = re.findall(
        r'<li id="node-\d+" class="depth-(\d)">\s*<a [^>]*><span class="node-code">([^<]+)', page
    )
    assert len(items) == 30
    assert items[10:13] == [("0", "11"), ("1", "11.1"), ("1", "11.2")]
    assert "30 ข้อ" in page
    assert "การปฏิรูปกระบวนการเรียนรู้ที่ตอบสนองต่อการเปลี่ยนแปลงในศตวรรษที่ 21" in page
