"""The demo monitoring and evaluation of FY2561 (issue 5): what
``phaen.demo.monitoring_data.build.load_monitoring`` records through
``phaen.monitoring.services`` for the projects of the demo plans' current versions.

One module per part: ``reports`` (the quarterly reports that differ from an ordinary approved
one), ``evaluation`` (goal indicators' results, the evaluators' comments, lessons learned),
``specs`` (the shapes), ``files`` (the generated evidence files), ``build`` (the loader).

The story:

- Every project reports every quarter its months overlap (from the quarter it starts in to
  the quarter it ends in: ศธจ.นศ.61-15 ends in January, 61-08 in May); an ordinary report is
  sent a few days before the due date (15 days after the quarter) and approved by the
  director. The activities' progress follows their months: done, under way, not started.
- Late: ศธจ.นศ.61-19 in Q1 (23 January 2561), ศธจ.นศ.61-09 in Q2, Q3 and Q4 (behind schedule
  all year). Missing: ศธจ.นศ.61-10 in Q1, ศธจ.นศ.61-12 in Q3 and Q4 (its Q2 report is still a
  draft), ศธจ.นศ.61-21 in Q4, and ศธจ.นศ.61-06 from Q2 on.
- **The journey's report**: ศธจ.นศ.61-06 (reading, led by กลุ่มพัฒนาการศึกษา, the ``reporter``
  account's unit) has an approved Q1 report and *no* Q2 report: the reporter starts, fills and
  submits it (its indicator has a Q2 target of 300 teachers). FY2561 is long past, so the
  planner grants กลุ่มพัฒนาการศึกษา a late entry for Q2 (renewed by ``load_demo`` when expired).
- Returned: ศธจ.นศ.61-13 in Q2, with the director's comment. Waiting for the approver: the
  school's ECD report in Q2, ศธจ.นศ.61-11 in Q3 and most Q4 reports. Drafts: ศธจ.นศ.61-12
  and the school's English report in Q2, ศธจ.นศ.61-11 in Q4.
- Corrective actions: some closed in the next quarter (61-07, 61-19, 61-01), some still open
  and overdue, carried into later quarters (61-09 through Q3 and Q4, 61-11 into Q4, 61-12 and
  61-13 left open in Q2).
- Evaluations: the half-year (H1) and annual (YEAR) evaluations of every indicator and project
  under the PEO, prepared by the planner from the reports, with the evaluators' comments; five
  lessons learned for the FY2562 plan.
"""

from __future__ import annotations

# The fiscal year of the demo monitoring (BE): the year of the demo plans and budget.
MONITORING_YEAR = 2561

#: The project and quarter left for the browser journey (no report: the reporter writes it).
JOURNEY_PROJECT = "ศธจ.นศ.61-06"
JOURNEY_QUARTER = "Q2"
#: How long the late entry of the journey's unit lasts from the day the demo is loaded.
JOURNEY_LATE_ENTRY_DAYS = 365
