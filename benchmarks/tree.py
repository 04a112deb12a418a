"""A national-scale organisation tree (~35,000 units, depth 5), built with bulk inserts.

    กระทรวงศึกษาธิการ (ministry, depth 0)
    └── สำนักงานปลัดกระทรวงศึกษาธิการ (office, 1)
        └── 18 สำนักงานศึกษาธิการภาค (regional offices, 2)
            └── 77 สำนักงานศึกษาธิการจังหวัด (provincial offices, 3)
                ├── 8 กลุ่มงาน each (work groups, 4)
                ├── 245 สพป./สพม. in all (service areas, 4)
                │   └── ~30,000 โรงเรียน สพฐ. (schools, 5)
                ├── วิทยาลัย สอศ. (vocational colleges, 4)
                ├── สกร. จังหวัด/อำเภอ (non-formal offices, 4)
                └── โรงเรียนเอกชน (private schools, 4)

Ids are given in Python level by level (as an import would create them), so every path is
computed here (with the application's ``child_path``) and the whole tree goes in with a few
``bulk_create`` batches; the id sequence is reset afterwards. Nothing here goes through the
per-row service (it would take minutes and write 35,000 audit records the benchmark does not
need).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, transaction

from phaen.orgs.models import OrgUnit, child_path

Kind = OrgUnit.Kind
Aff = OrgUnit.Affiliation

# 77 provinces (Bangkok included), grouped into 18 regions of 4-5 provinces.
PROVINCES = [
    "กรุงเทพมหานคร", "นนทบุรี", "ปทุมธานี", "พระนครศรีอยุธยา", "อ่างทอง",
    "ลพบุรี", "สระบุรี", "สิงห์บุรี", "ชัยนาท",
    "นครปฐม", "ราชบุรี", "กาญจนบุรี", "สุพรรณบุรี",
    "เพชรบุรี", "ประจวบคีรีขันธ์", "สมุทรสาคร", "สมุทรสงคราม",
    "ชุมพร", "ระนอง", "สุราษฎร์ธานี", "นครศรีธรรมราช", "พัทลุง",
    "ภูเก็ต", "กระบี่", "พังงา", "ตรัง",
    "สงขลา", "สตูล", "ปัตตานี", "ยะลา", "นราธิวาส",
    "ชลบุรี", "ระยอง", "จันทบุรี", "ตราด",
    "ฉะเชิงเทรา", "ปราจีนบุรี", "นครนายก", "สระแก้ว", "สมุทรปราการ",
    "เชียงใหม่", "ลำพูน", "ลำปาง", "แม่ฮ่องสอน",
    "เชียงราย", "พะเยา", "น่าน", "แพร่",
    "พิษณุโลก", "สุโขทัย", "ตาก", "อุตรดิตถ์", "เพชรบูรณ์",
    "นครสวรรค์", "อุทัยธานี", "กำแพงเพชร", "พิจิตร",
    "ขอนแก่น", "มหาสารคาม", "ร้อยเอ็ด", "กาฬสินธุ์",
    "อุดรธานี", "หนองคาย", "เลย", "หนองบัวลำภู", "บึงกาฬ",
    "นครราชสีมา", "บุรีรัมย์", "สุรินทร์", "ชัยภูมิ",
    "อุบลราชธานี", "ศรีสะเกษ", "ยโสธร", "อำนาจเจริญ",
    "สกลนคร", "นครพนม", "มุกดาหาร",
]  # fmt: skip
REGION_SIZES = [5, 4, 4, 4, 5, 4, 5, 4, 5, 4, 4, 5, 4, 4, 5, 4, 4, 3]

WORK_GROUPS = [
    "กลุ่มอำนวยการ",
    "กลุ่มนโยบายและแผน",
    "กลุ่มส่งเสริมการศึกษาเอกชน",
    "กลุ่มนิเทศ ติดตามและประเมินผล",
    "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา",
    "กลุ่มบริหารงานบุคคล",
    "กลุ่มส่งเสริมการจัดการศึกษา",
    "หน่วยตรวจสอบภายใน",
]

SCHOOL_PREFIXES = ["บ้าน", "บ้าน", "บ้าน", "วัด", "วัด", "ชุมชน", "อนุบาล", ""]
PLACES = [
    "หนองบัว", "หนองแวง", "หนองหญ้าปล้อง", "โนนสูง", "โนนสะอาด", "ดอนแดง", "ดอนมูล",
    "นาคำ", "นาดี", "นาโพธิ์", "ห้วยทราย", "ห้วยยาง", "โคกสว่าง", "โคกกลาง", "ท่าช้าง",
    "ท่าข้าม", "บางพลี", "บางใหญ่", "คลองใหม่", "คลองหลวง", "ทุ่งใหญ่", "ทุ่งสง", "ป่าแดง",
    "ป่าสัก", "เขาน้อย", "เขาใหญ่", "สันทราย", "สันกำแพง", "แม่ริม", "แม่สาย", "ศรีสุข",
    "ศรีสะอาด", "สระแก้ว", "สระบัว", "กุดจิก", "กุดหว้า", "บึงสามัคคี", "ดงเจริญ", "ดงมะไฟ",
    "ชัยมงคล", "ประชาสามัคคี", "สามัคคีธรรม", "ใหม่พัฒนา", "เหล่าใหญ่", "ม่วงหวาน", "โพธิ์ทอง",
    "โพธิ์ศรี", "ตะเคียน", "ยางชุม", "ขามเปี้ย", "มะขามเตี้ย", "ทรายทอง", "ปากน้ำ", "หาดใหญ่",
]  # fmt: skip

TOTAL_SCHOOLS = 30_000
PRIMARY_AREAS = 183
SECONDARY_AREAS = 62
SECONDARY_SCHOOLS_PER_AREA = 37
VOCATIONAL_COLLEGES = 430
NFE_DISTRICT_CENTRES = 12  # per province, under the provincial สกร. office's province
PRIVATE_SCHOOLS = 3_200


@dataclass
class Tree:
    """What was built, and the units the benchmark picks its cases from."""

    total: int = 0
    by_depth: Counter[int] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    ministry_id: int = 0
    #: name of the province -> id of its provincial office
    provinces: dict[str, int] = field(default_factory=dict)
    #: id of a provincial office -> id of its regional office
    region_of: dict[int, int] = field(default_factory=dict)
    #: id of a provincial office -> ids of its service areas
    areas_of: dict[int, list[int]] = field(default_factory=dict)
    #: id of a service area -> ids of its schools
    schools_of: dict[int, list[int]] = field(default_factory=dict)
    #: id of a provincial office -> ids of its work groups
    groups_of: dict[int, list[int]] = field(default_factory=dict)


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.next_id = 1
        self.rows: list[OrgUnit] = []
        self.paths: dict[int, str] = {}
        self.depths: dict[int, int] = {}
        self.codes: Counter[str] = Counter()
        self.tree = Tree()

    def add(
        self,
        parent: int | None,
        kind: str,
        affiliation: str,
        name: str,
        *,
        short_name: str = "",
        code_prefix: str = "",
        province: str = "",
    ) -> int:
        pk = self.next_id
        self.next_id += 1
        path = child_path(self.paths[parent] if parent else None, pk)
        depth = self.depths[parent] + 1 if parent else 0
        self.paths[pk], self.depths[pk] = path, depth
        code = ""
        if code_prefix:
            self.codes[code_prefix] += 1
            code = f"{code_prefix}{self.codes[code_prefix]:08d}"
        self.rows.append(
            OrgUnit(
                id=pk,
                parent_id=parent,
                path=path,
                depth=depth,
                kind=kind,
                affiliation=affiliation,
                name=name,
                short_name=short_name,
                code=code,
                province=province,
            )
        )
        self.tree.by_depth[depth] += 1
        self.tree.by_kind[kind] += 1
        return pk

    def school_name(self) -> str:
        prefix = self.rng.choice(SCHOOL_PREFIXES)
        place = self.rng.choice(PLACES)
        suffix = self.rng.choice(["", "", "", f" {self.rng.randint(1, 9)}", "วิทยา", "พัฒนา"])
        return f"โรงเรียน{prefix}{place}{suffix}"

    def build(self) -> list[OrgUnit]:
        rng, tree = self.rng, self.tree
        ministry = self.add(None, Kind.MINISTRY, Aff.OPS, "กระทรวงศึกษาธิการ", short_name="ศธ.")
        tree.ministry_id = ministry
        office = self.add(
            ministry, Kind.OFFICE, Aff.OPS, "สำนักงานปลัดกระทรวงศึกษาธิการ", short_name="สป."
        )
        regions: list[int] = []
        for number in range(1, len(REGION_SIZES) + 1):
            name = f"สำนักงานศึกษาธิการภาค {number}"
            regions.append(
                self.add(office, Kind.REGIONAL_OFFICE, Aff.OPS, name, short_name=f"ศธภ.{number}")
            )
        province_units: list[tuple[int, str]] = []
        index = 0
        for region, size in zip(regions, REGION_SIZES, strict=True):
            for name in PROVINCES[index : index + size]:
                pk = self.add(
                    region,
                    Kind.PROVINCIAL_OFFICE,
                    Aff.OPS,
                    f"สำนักงานศึกษาธิการจังหวัด{name}",
                    short_name=f"ศธจ.{name}",
                    province=name,
                )
                province_units.append((pk, name))
                tree.provinces[name] = pk
                tree.region_of[pk] = region
            index += size

        # Depth 4: work groups, service areas and the province's other agencies.
        primary_counts = [1] * len(province_units)
        for _ in range(PRIMARY_AREAS - len(province_units)):
            primary_counts[rng.randrange(len(province_units))] += 1
        with_secondary = set(rng.sample(range(len(province_units)), SECONDARY_AREAS))
        vocational = [0] * len(province_units)
        for _ in range(VOCATIONAL_COLLEGES):
            vocational[rng.randrange(len(province_units))] += 1
        private = [0] * len(province_units)
        for _ in range(PRIVATE_SCHOOLS):
            private[rng.randrange(len(province_units))] += 1
        primary_areas: list[tuple[int, str]] = []
        secondary_areas: list[tuple[int, str]] = []
        for position, (province_id, name) in enumerate(province_units):
            tree.groups_of[province_id] = [
                self.add(province_id, Kind.WORK_GROUP, Aff.OPS, group, province=name)
                for group in WORK_GROUPS
            ]
            areas = []
            for number in range(1, primary_counts[position] + 1):
                pk = self.add(
                    province_id,
                    Kind.PRIMARY_SERVICE_AREA,
                    Aff.OBEC,
                    f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษา{name} เขต {number}",
                    short_name=f"สพป.{name} เขต {number}",
                    province=name,
                )
                areas.append(pk)
                primary_areas.append((pk, name))
            if position in with_secondary:
                pk = self.add(
                    province_id,
                    Kind.SECONDARY_SERVICE_AREA,
                    Aff.OBEC,
                    f"สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา{name}",
                    short_name=f"สพม.{name}",
                    province=name,
                )
                areas.append(pk)
                secondary_areas.append((pk, name))
            tree.areas_of[province_id] = areas
            for number in range(1, vocational[position] + 1):
                kind_name = rng.choice(["วิทยาลัยเทคนิค", "วิทยาลัยอาชีวศึกษา", "วิทยาลัยการอาชีพ"])
                self.add(
                    province_id,
                    Kind.VOCATIONAL_COLLEGE,
                    Aff.OVEC,
                    f"{kind_name}{name} {number}",
                    code_prefix="13",
                    province=name,
                )
            self.add(
                province_id,
                Kind.NON_FORMAL_OFFICE,
                Aff.DOLE,
                f"สำนักงานส่งเสริมการเรียนรู้จังหวัด{name}",
                short_name=f"สกร.จังหวัด{name}",
                province=name,
            )
            for number in range(1, NFE_DISTRICT_CENTRES + 1):
                self.add(
                    province_id,
                    Kind.NON_FORMAL_OFFICE,
                    Aff.DOLE,
                    f"ศูนย์ส่งเสริมการเรียนรู้ระดับอำเภอ {name} {number}",
                    province=name,
                )
            for _ in range(private[position]):
                self.add(
                    province_id,
                    Kind.SCHOOL,
                    Aff.OPEC,
                    f"{self.school_name()} (เอกชน)",
                    code_prefix="20",
                    province=name,
                )

        # Depth 5: schools under the service areas, unevenly (as in real life).
        secondary_total = SECONDARY_SCHOOLS_PER_AREA * len(secondary_areas)
        weights = [rng.uniform(0.5, 1.5) for _ in primary_areas]
        scale = (TOTAL_SCHOOLS - secondary_total) / sum(weights)
        counts = [round(w * scale) for w in weights]
        counts[0] += TOTAL_SCHOOLS - secondary_total - sum(counts)
        plan = list(zip(primary_areas, counts, strict=True)) + [
            (area, SECONDARY_SCHOOLS_PER_AREA) for area in secondary_areas
        ]
        for (area_id, name), number in plan:
            tree.schools_of[area_id] = [
                self.add(
                    area_id,
                    Kind.SCHOOL,
                    Aff.OBEC,
                    self.school_name(),
                    code_prefix="10",
                    province=name,
                )
                for _ in range(number)
            ]
        tree.total = len(self.rows)
        return self.rows


def build_tree(seed: int = 2561, batch_size: int = 2000) -> Tree:
    """Insert the whole tree (an empty ``orgs_orgunit`` table is expected)."""
    builder = _Builder(seed)
    rows = builder.build()
    with transaction.atomic():
        OrgUnit.objects.bulk_create(rows, batch_size=batch_size)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), [OrgUnit]):
                cursor.execute(statement)
    return builder.tree


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, the visibility map autovacuum would set)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM (ANALYZE)")
        else:
            cursor.execute("ANALYZE")
