"""The FY2561 action plan of โรงเรียนอนุบาลนครศรีธรรมราช (the school of the ``school`` demo
account): an agency plan under the PEO plan, approved but not yet published, so that only
the school (and the offices above it) can read it."""

from __future__ import annotations

from phaen.demo.plan_data.people import DEMO_SCHOOL, PEO, SPP1
from phaen.demo.plan_data.specs import (
    ActivitySpec,
    GoalSpec,
    IndicatorSpec,
    IssueSpec,
    Person,
    PlanSpec,
    ProjectSpec,
    StrategySpec,
    align,
    supporter,
)

ACADEMIC_TEACHER = Person(
    "นายประเสริฐ ตั้งใจสอน", "ครู หัวหน้างานวิชาการ", "0 7500 2101", "school@demo.phaen.invalid"
)
LIBRARY_TEACHER = Person(
    "นางสาวกนกวรรณ รักอ่าน", "ครู ผู้รับผิดชอบห้องสมุด", "0 7500 2102", "library.anuban@demo.phaen.invalid"
)
EARLY_TEACHER = Person(
    "นางจิราพร ใจดี", "ครู หัวหน้าระดับชั้นอนุบาล", "0 7500 2103", "kinder.anuban@demo.phaen.invalid"
)
SCOUT_TEACHER = Person(
    "นายวิชัย ชูเกียรติ", "ครู ผู้กำกับลูกเสือ", "0 7500 2104", "scout.anuban@demo.phaen.invalid"
)

READING = ProjectSpec(
    code="อ.นศ.61-01",
    name="โครงการส่งเสริมนิสัยรักการอ่านและห้องสมุดมีชีวิต",
    lead=DEMO_SCHOOL,
    lead_role="งานห้องสมุดและกลุ่มสาระการเรียนรู้ภาษาไทยจัดกิจกรรมส่งเสริมการอ่าน",
    budget="60000",
    start="2560-11",
    end="2561-09",
    rationale="นักเรียนบางส่วนอ่านหนังสือนอกเวลาน้อย ห้องสมุดต้องเป็นแหล่งเรียนรู้ที่มีชีวิตและดึงดูดผู้เรียน",
    objectives="เพื่อส่งเสริมนิสัยรักการอ่านและพัฒนาห้องสมุดให้เป็นแหล่งเรียนรู้ที่มีชีวิต",
    quantitative_targets="นักเรียน 1,450 คน ร่วมกิจกรรมส่งเสริมการอ่าน; หนังสือใหม่ 400 เล่ม",
    qualitative_targets="นักเรียนร้อยละ 85 อ่านหนังสือนอกเวลาอย่างน้อยสัปดาห์ละ 1 เล่ม",
    target_group="นักเรียนชั้นอนุบาล 2 ถึงประถมศึกษาปีที่ 6",
    area="โรงเรียนอนุบาลนครศรีธรรมราช",
    responsible=LIBRARY_TEACHER,
    owners=(supporter("LAO80-MUN", "ให้ยืมหนังสือหมุนเวียนจากห้องสมุดเทศบาล"),),
    activities=(
        ActivitySpec("จัดซื้อหนังสือและปรับปรุงมุมอ่านหนังสือ", "2560-11", "2560-12", "35000"),
        ActivitySpec("บันทึกการอ่านและยอดนักอ่านประจำเดือน", "2561-01", "2561-09", "10000"),
        ActivitySpec("สัปดาห์ห้องสมุดและวันสุนทรภู่", "2561-06", "2561-06", "15000"),
    ),
    expected_results="นักเรียนรักการอ่านและใช้ห้องสมุดเป็นแหล่งเรียนรู้",
    links=align("master-plans-2561:12.1", "sdg-4:4.6"),
)

ENGLISH = ProjectSpec(
    code="อ.นศ.61-02",
    name="โครงการพัฒนาการจัดการเรียนรู้ภาษาอังกฤษเพื่อการสื่อสาร",
    lead=DEMO_SCHOOL,
    lead_role="กลุ่มสาระการเรียนรู้ภาษาต่างประเทศจัดการเรียนรู้และค่ายภาษาอังกฤษ",
    budget="150000",
    start="2560-11",
    end="2561-08",
    rationale="ผลการทดสอบภาษาอังกฤษของนักเรียนชั้น ป.6 ยังต่ำกว่าเป้าหมาย และนักเรียนต้องการทักษะการสื่อสาร",
    objectives="เพื่อพัฒนาทักษะการฟัง พูด อ่าน เขียนภาษาอังกฤษของนักเรียน",
    quantitative_targets="นักเรียนชั้น ป.4–6 จำนวน 720 คน",
    qualitative_targets="ผลการทดสอบ O-NET ภาษาอังกฤษชั้น ป.6 สูงขึ้น",
    target_group="นักเรียนชั้นประถมศึกษาปีที่ 4–6",
    area="โรงเรียนอนุบาลนครศรีธรรมราช",
    responsible=ACADEMIC_TEACHER,
    owners=(supporter(SPP1, "ศึกษานิเทศก์นิเทศการจัดการเรียนรู้ภาษาอังกฤษ"),),
    activities=(
        ActivitySpec("จ้างครูเจ้าของภาษาสอนเสริม", "2560-11", "2561-03", "100000"),
        ActivitySpec("ค่ายภาษาอังกฤษ English Camp", "2561-01", "2561-01", "35000"),
        ActivitySpec("ประกวดทักษะภาษาอังกฤษ", "2561-08", "2561-08", "15000"),
    ),
    expected_results="นักเรียนสื่อสารภาษาอังกฤษได้และมีผลสัมฤทธิ์สูงขึ้น",
    links=align("master-plans-2561:12.1", "sdg-4:4.1"),
)

KINDERGARTEN = ProjectSpec(
    code="อ.นศ.61-03",
    name="โครงการพัฒนาเด็กปฐมวัยให้มีพัฒนาการสมวัย",
    lead=DEMO_SCHOOL,
    lead_role="ระดับชั้นอนุบาลจัดประสบการณ์การเรียนรู้และประเมินพัฒนาการ",
    budget="80000",
    start="2560-12",
    end="2561-09",
    rationale="เด็กอนุบาลต้องได้รับการพัฒนาทั้ง 4 ด้านอย่างสมดุลผ่านการเล่นและประสบการณ์ตรง",
    objectives="เพื่อพัฒนาเด็กปฐมวัยให้มีพัฒนาการสมวัยทั้งด้านร่างกาย อารมณ์ จิตใจ สังคม และสติปัญญา",
    quantitative_targets="นักเรียนชั้นอนุบาล 2–3 จำนวน 240 คน",
    qualitative_targets="นักเรียนร้อยละ 95 มีพัฒนาการสมวัย",
    target_group="นักเรียนชั้นอนุบาล 2–3",
    area="โรงเรียนอนุบาลนครศรีธรรมราช",
    responsible=EARLY_TEACHER,
    activities=(
        ActivitySpec("จัดซื้อสื่อและเครื่องเล่นพัฒนาการ", "2560-12", "2561-01", "50000"),
        ActivitySpec("ประเมินพัฒนาการและประชุมผู้ปกครอง", "2561-03", "2561-09", "30000"),
    ),
    expected_results="เด็กปฐมวัยมีความพร้อมในการเรียนชั้นประถมศึกษา",
    indicators=(
        IndicatorSpec(
            name="ร้อยละของนักเรียนชั้นอนุบาลที่มีพัฒนาการสมวัยทั้ง 4 ด้าน",
            unit_of_measure="ร้อยละ",
            kind="quality",
            target="95",
            quarters=(None, "93", None, "95"),
            data_source="แบบประเมินพัฒนาการ",
            collection_method="ครูประจำชั้นประเมินภาคเรียนละ 1 ครั้ง",
            evaluator=DEMO_SCHOOL,
            frequency="half_yearly",
        ),
    ),
    links=align("master-plans-2561:11.2", "sdg-4:4.2"),
)

SCOUTS = ProjectSpec(
    code="อ.นศ.61-04",
    name="โครงการโรงเรียนคุณธรรมและกิจกรรมลูกเสือ เนตรนารี",
    lead=DEMO_SCHOOL,
    lead_role="งานกิจการนักเรียนจัดกิจกรรมคุณธรรมและลูกเสือ เนตรนารี",
    budget="45000",
    start="2560-11",
    end="2561-07",
    rationale="โรงเรียนมุ่งปลูกฝังคุณธรรมอัตลักษณ์ “มีวินัย จิตอาสา” ผ่านกิจกรรมลูกเสือและโครงการโรงเรียนคุณธรรม",
    objectives="เพื่อปลูกฝังคุณธรรม ระเบียบวินัย และจิตอาสาให้นักเรียน",
    quantitative_targets="ลูกเสือ เนตรนารี 480 คน เข้าค่ายพักแรม",
    qualitative_targets="นักเรียนร้อยละ 90 มีพฤติกรรมด้านวินัยและจิตอาสาระดับดีขึ้นไป",
    target_group="นักเรียนชั้นประถมศึกษาปีที่ 4–6",
    area="โรงเรียนอนุบาลนครศรีธรรมราช และค่ายลูกเสือจังหวัด",
    responsible=SCOUT_TEACHER,
    activities=(
        ActivitySpec("กิจกรรมจิตอาสาและความดีประจำสัปดาห์", "2560-11", "2561-07", "10000"),
        ActivitySpec("ค่ายพักแรมลูกเสือ เนตรนารี", "2561-01", "2561-02", "35000"),
    ),
    expected_results="นักเรียนมีวินัย มีจิตอาสา และรักสถาบันหลักของชาติ",
    links=align("master-plans-2561:10", "nep-2560:1"),
)

SCHOOL_PLAN = PlanSpec(
    unit=DEMO_SCHOOL,
    parent_unit=PEO,
    title="แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2561 โรงเรียนอนุบาลนครศรีธรรมราช",
    vision="โรงเรียนอนุบาลนครศรีธรรมราชจัดการศึกษาได้มาตรฐาน ผู้เรียนเป็นคนดี มีความรู้ รักความเป็นไทย ก้าวไกลสู่สากล",
    values="มีวินัย จิตอาสา ใฝ่เรียนรู้",
    missions=(
        "พัฒนาผู้เรียนให้มีคุณภาพตามมาตรฐานการศึกษาขั้นพื้นฐานและทักษะในศตวรรษที่ 21",
        "ปลูกฝังคุณธรรม จริยธรรม ความเป็นไทย และวิถีชีวิตตามหลักปรัชญาของเศรษฐกิจพอเพียง",
        "พัฒนาครูให้จัดการเรียนรู้ที่เน้นผู้เรียนเป็นสำคัญ",
    ),
    note="จัดทำภายใต้กรอบแผนปฏิบัติการของสำนักงานศึกษาธิการจังหวัดนครศรีธรรมราช",
    approval_note="ผ่านความเห็นชอบของคณะกรรมการสถานศึกษาขั้นพื้นฐาน",
    publish=False,
    issues=(
        IssueSpec(
            number=1,
            title="พัฒนาคุณภาพผู้เรียนตามมาตรฐานการศึกษา",
            description="ผู้เรียนอ่านออกเขียนได้ สื่อสารภาษาอังกฤษได้ และเด็กปฐมวัยมีพัฒนาการสมวัย",
            aligns_with=2,
            goals=(
                GoalSpec(
                    1,
                    "ผู้เรียนมีผลสัมฤทธิ์ทางการเรียนและนิสัยรักการอ่าน",
                    indicators=(
                        IndicatorSpec(
                            name="ร้อยละของนักเรียนที่มีผลการเรียนเฉลี่ยระดับ 3 ขึ้นไป",
                            unit_of_measure="ร้อยละ",
                            baseline="72",
                            baseline_year=2560,
                            target="75",
                            quarters=(None, "73", None, "75"),
                            data_source="ผลการเรียนจากระบบงานทะเบียนวัดผล",
                            collection_method="ประมวลผลเมื่อสิ้นภาคเรียน",
                            evaluator=DEMO_SCHOOL,
                            frequency="half_yearly",
                            scoring="achieved",
                        ),
                    ),
                ),
            ),
            strategies=(
                StrategySpec(
                    1,
                    "พัฒนาการจัดการเรียนรู้และแหล่งเรียนรู้",
                    (READING, ENGLISH, KINDERGARTEN),
                ),
            ),
        ),
        IssueSpec(
            number=2,
            title="ปลูกฝังคุณธรรม ความเป็นไทย และความปลอดภัยของผู้เรียน",
            description="ผู้เรียนมีวินัย จิตอาสา และรักสถาบันหลักของชาติ",
            aligns_with=1,
            goals=(
                GoalSpec(
                    1,
                    "ผู้เรียนมีคุณธรรมอัตลักษณ์ของโรงเรียน",
                    indicators=(
                        IndicatorSpec(
                            name="ร้อยละของนักเรียนที่มีพฤติกรรมด้านวินัยและจิตอาสาระดับดีขึ้นไป",
                            unit_of_measure="ร้อยละ",
                            kind="quality",
                            baseline="86",
                            baseline_year=2560,
                            target="90",
                            quarters=(None, "88", None, "90"),
                            data_source="แบบประเมินพฤติกรรม",
                            collection_method="ครูประจำชั้นประเมินภาคเรียนละ 1 ครั้ง",
                            evaluator=DEMO_SCHOOL,
                            frequency="half_yearly",
                        ),
                    ),
                ),
            ),
            strategies=(StrategySpec(1, "ส่งเสริมคุณธรรมและกิจกรรมลูกเสือ", (SCOUTS,)),),
        ),
    ),
)
