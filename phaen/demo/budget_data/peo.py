"""The FY2561 budget of the Nakhon Si Thammarat PEO: its envelopes from the annual
appropriation, the equipment of the งบลงทุน envelope, the transfers, the year end and the
carried-over contract paid in FY2562.

The operating and other-expense envelopes are allocated to the work groups, each the sum of its
projects' budgets in the plan's current version (revised to the allocated budget), and to the
projects; the loader works those amounts out from the plan, so they cannot drift from it.
"""

from __future__ import annotations

from phaen.demo.budget_data import peo_projects_1, peo_projects_2, peo_projects_3
from phaen.demo.budget_data.specs import (
    EnvelopeSpec,
    EquipmentSpec,
    ProjectMoneySpec,
    TransferSpec,
    contract,
    order,
)
from phaen.demo.orgs_data import PEO, PLANNING_GROUP

ADMINISTRATION_GROUP = "PEO80-WG01"

# Document numbers of the PEO's registers (ที่ ศธ 0293 is the office's sample book code).
ORDER_NUMBER = "ศธ 0293/{year}-{number:03d}"
CONTRACT_NUMBER = "สัญญาเลขที่ {number:02d}/{year}"
DISBURSEMENT_NUMBER = "ขบ. {number:04d}/{year}"

ENVELOPES = (
    EnvelopeSpec(
        PEO,
        "appropriation",
        "operating",
        "6,340,000.00",
        "งบดำเนินงาน แผนงานพื้นฐานด้านการพัฒนาและเสริมสร้างศักยภาพคน ผลผลิตการขับเคลื่อนการศึกษาในภูมิภาค",
    ),
    EnvelopeSpec(
        PEO,
        "appropriation",
        "investment",
        "640,000.00",
        "งบลงทุน ค่าครุภัณฑ์ของสำนักงาน 3 รายการ",
    ),
    EnvelopeSpec(
        PEO,
        "appropriation",
        "other-expense",
        "400,000.00",
        "งบรายจ่ายอื่น ค่าใช้จ่ายในการดำเนินงานของคณะกรรมการศึกษาธิการจังหวัด (กศจ.)",
    ),
)

PROJECTS: tuple[ProjectMoneySpec, ...] = (
    *peo_projects_1.PROJECTS,
    *peo_projects_2.PROJECTS,
    *peo_projects_3.PROJECTS,
)

VIDEO_CONFERENCE = "ชุดระบบประชุมทางไกลผ่านจอภาพ (Video Conference) พร้อมระบบเสียงห้องประชุม 1 ชุด"

EQUIPMENT = (
    EquipmentSpec(
        ADMINISTRATION_GROUP,
        "เครื่องปรับอากาศ แบบแยกส่วน ขนาด 18,000 บีทียู 2 เครื่อง",
        "44,000.00",
        planned="2561-02",
        spending=(
            order(
                "2561-02-12",
                "43,600.00",
                "ร้านเมืองคอนแอร์ แอนด์ เซอร์วิส",
                "เครื่องปรับอากาศ แบบแยกส่วน ขนาด 18,000 บีทียู พร้อมติดตั้ง 2 เครื่อง",
                ("2561-03-20", "43,600.00"),
            ),
        ),
    ),
    EquipmentSpec(
        PLANNING_GROUP,
        "เครื่องคอมพิวเตอร์สำหรับงานประมวลผล แบบที่ 1 (จอขนาดไม่น้อยกว่า 19 นิ้ว) 8 เครื่อง",
        "176,000.00",
        planned="2561-03",
        spending=(
            order(
                "2561-02-26",
                "175,200.00",
                "หจก. นครไอที ซิสเต็ม",
                "เครื่องคอมพิวเตอร์สำหรับงานประมวลผล แบบที่ 1 จำนวน 8 เครื่อง ตามเกณฑ์ราคากลาง",
                ("2561-03-28", "175,200.00"),
            ),
        ),
    ),
    # The large contract: the first e-bidding in April found no qualified bidder, the contract
    # was signed in July, the first lot delivered in September; the balance is carried over.
    EquipmentSpec(
        ADMINISTRATION_GROUP,
        VIDEO_CONFERENCE,
        "420,000.00",
        planned="2561-05",
        spending=(
            contract(
                "2561-07-24",
                "398,500.00",
                "บริษัท เซาเทิร์น ออดิโอ วิชั่น จำกัด",
                "ซื้อพร้อมติดตั้ง" + VIDEO_CONFERENCE + " ส่งมอบ 3 งวด (ประกวดราคาอิเล็กทรอนิกส์ครั้งที่ 2)",
                ("2561-09-21", "119,550.00"),
            ),
        ),
    ),
)

# Paid in FY2562 against the carried-over contract, before its deadline (31 March 2562).
CARRIED_PAYMENTS = (
    ("2561-12-14", "139,475.00", "ค่าครุภัณฑ์ระบบประชุมทางไกลผ่านจอภาพ งวดที่ 2 (เงินกันไว้เบิกเหลื่อมปี)"),
    (
        "2562-03-15",
        "139,475.00",
        "ค่าครุภัณฑ์ระบบประชุมทางไกลผ่านจอภาพ งวดที่ 3 งวดสุดท้าย (เงินกันไว้เบิกเหลื่อมปี)",
    ),
)

TRANSFERS = (
    TransferSpec(
        source="ศธจ.นศ.61-15",
        target="ศธจ.นศ.61-06",
        amount="40,000.00",
        reason=(
            "งานวันครู ครั้งที่ 62 จัดเสร็จแล้วเมื่อเดือนมกราคม 2561 ใช้จ่ายต่ำกว่าประมาณการ "
            "ขอโอนเงินเหลือจ่ายไปโครงการส่งเสริมการอ่าน เพื่อจัดซื้อหนังสือให้ห้องสมุดโรงเรียน 38 แห่ง "
            "ก่อนมหกรรมส่งเสริมการอ่าน"
        ),
        decision_note=(
            "อนุมัติโดยศึกษาธิการจังหวัดนครศรีธรรมราช ตามบันทึกข้อความกลุ่มนโยบายและแผน "
            "ที่ ศธ 0293/1187 ลงวันที่ 5 มีนาคม 2561 (โอนเปลี่ยนแปลงภายในผลผลิตเดียวกัน "
            "อยู่ในอำนาจของหัวหน้าส่วนราชการ)"
        ),
    ),
    TransferSpec(
        source="ศธจ.นศ.61-19",
        target="ศธจ.นศ.61-18",
        amount="15,000.00",
        reason=(
            "จัดทำเอกสารสารสนเทศทางการศึกษาเป็นไฟล์ดิจิทัลแทนการพิมพ์ฉบับเต็ม มีเงินเหลือจ่าย "
            "ขอโอนไปจัดพิมพ์รายงานผลการดำเนินงานฉบับเผยแพร่ต่อสาธารณะเพิ่มเติม"
        ),
    ),
)

YEAR_END_REASON = "ปิดปีงบประมาณ พ.ศ. 2561: กันเงินสัญญาที่ยังไม่ส่งมอบไว้เบิกเหลื่อมปี เงินเหลือจ่ายพับ"
