"""The half-year and annual evaluation of FY2561: the evaluators' comments, the goal
indicators' standalone results, and the lessons learned that feed the FY2562 plan."""

from __future__ import annotations

from decimal import Decimal

from phaen.demo.monitoring_data.reports import DUAL_VOCATIONAL, READING, SUPERVISION, TEACHERS
from phaen.demo.monitoring_data.specs import CommentSpec, LessonSpec
from phaen.demo.orgs_data import DEMO_SCHOOL, DEVELOPMENT_GROUP, PEO

#: Goal indicators' results, quarter by quarter where the plan has a target: the target times
#: these factors, in turn (higher-is-better; mirrored for lower-is-better), so that some
#: indicators reach their targets and some fall short.
GOAL_RESULT_FACTORS: tuple[Decimal, ...] = (
    Decimal("1.02"),
    Decimal("0.96"),
    Decimal("1.00"),
    Decimal("0.90"),
    Decimal("1.05"),
    Decimal("0.98"),
    Decimal("1.10"),
)

COMMENTS: tuple[CommentSpec, ...] = (
    CommentSpec(
        "H1",
        "อบรมครูได้เกินเป้าหมายตั้งแต่ไตรมาสแรก แต่ยังไม่ได้รายงานไตรมาสที่ 2 ขอให้เร่งรายงาน",
        project=READING,
    ),
    CommentSpec(
        "H1",
        "ดำเนินการล่าช้ากว่าแผนและเบิกจ่ายต่ำ ควรทบทวนกิจกรรมให้สอดคล้องกับความพร้อมของสถานประกอบการ",
        project=DUAL_VOCATIONAL,
    ),
    CommentSpec(
        "YEAR",
        "การติดตามผู้สำเร็จการศึกษาไม่แล้วเสร็จในปีงบประมาณ เสนอให้ต่อเนื่องในแผนปี 2562",
        project=DUAL_VOCATIONAL,
    ),
    CommentSpec(
        "YEAR",
        "นิเทศครอบคลุมสถานศึกษาเกือบครบ ความพึงพอใจอยู่ในระดับดีมาก",
        project=SUPERVISION,
    ),
    CommentSpec(
        "YEAR",
        "ผู้บริหารเข้ารับการพัฒนาน้อยกว่าเป้าหมาย ควรจัดอบรมนอกช่วงเปิดภาคเรียน",
        project=TEACHERS,
    ),
    CommentSpec(
        "YEAR",
        "ผลการอ่านออกเขียนได้ดีขึ้นต่อเนื่อง ควรขยายการคัดกรองไปยังโรงเรียนขนาดเล็ก",
        indicator="ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 1",
    ),
)

LESSONS: tuple[LessonSpec, ...] = (
    LessonSpec(
        PEO,
        "planner",
        "การรายงานผลรายไตรมาสให้ตรงเวลา",
        "โครงการที่กำหนดผู้รับผิดชอบการรายงานชัดเจนและใช้แบบรายงานเดียวกันส่งรายงานตรงเวลามากกว่า",
        "กำหนดผู้รายงานของทุกโครงการในแผนปี 2562 และแจ้งปฏิทินการรายงานตั้งแต่ต้นปีงบประมาณ",
    ),
    LessonSpec(
        PEO,
        "planner",
        "การเบิกจ่ายงบลงทุนล่าช้า",
        "การประกวดราคาระบบประชุมทางไกลครั้งแรกไม่สำเร็จ ทำให้ต้องกันเงินไว้เบิกเหลื่อมปี",
        "จัดทำร่างขอบเขตงานและราคากลางให้เสร็จก่อนได้รับจัดสรรงบประมาณ",
    ),
    LessonSpec(
        DEVELOPMENT_GROUP,
        "reporter",
        "ความร่วมมือกับสถานประกอบการ",
        "สถานประกอบการขนาดเล็กเข้าร่วมเมื่อเข้าใจสิทธิประโยชน์ทางภาษีและมีครูฝึกร่วม",
        "จัดเวทีร่วมกับหอการค้าจังหวัดตั้งแต่ไตรมาสแรก",
        project=DUAL_VOCATIONAL,
    ),
    LessonSpec(
        DEVELOPMENT_GROUP,
        "reporter",
        "การอบรมครูภาษาไทยแบบแจกลูกสะกดคำ",
        "การอบรมช่วงปิดภาคเรียนมีครูเข้าร่วมมากกว่าช่วงเปิดภาคเรียน",
        "จัดอบรมรุ่นต่อไปในเดือนตุลาคมและมีนาคม",
        project=READING,
    ),
    LessonSpec(
        DEMO_SCHOOL,
        "school",
        "ครูเจ้าของภาษา",
        "นักเรียนกล้าพูดภาษาอังกฤษมากขึ้นเมื่อเรียนกับครูเจ้าของภาษาต่อเนื่องทั้งภาคเรียน",
        "ของบประมาณจ้างครูเจ้าของภาษาตลอดปีการศึกษา",
    ),
)
