"""The demo budget as data: FY2561 of the Nakhon Si Thammarat PEO and of สพป.นครศรีธรรมราช
เขต 1, which ``phaen.demo.loader.load_budget`` builds through the budget services (so it is
audited and obeys every rule: nothing allocated beyond its parent, nothing over-spent).

One module per part: ``peo`` (the PEO's envelopes, equipment, transfers, year end),
``peo_projects_1`` … ``peo_projects_3`` (what each of the 21 projects of the plan's current
version spent), ``service_area`` (the agency), ``specs`` (the shapes), ``counterparts``.

The story, in numbers (the tests in ``phaen/demo/tests/test_load_demo.py`` recompute every
figure below from the base tables and compare it with the budget overview):

- The PEO's own budget (fund "appropriation"): 7,380,000.00 baht in three envelopes —
  งบดำเนินงาน 6,340,000.00 and งบรายจ่ายอื่น 400,000.00 (the 21 projects of the plan's
  version 2, 6,740,000.00, allocated to the eight work groups, then to each project by its
  budget and, where the activities' budgets add up to it, to its activities) and งบลงทุน
  640,000.00 (three pieces of equipment of two work groups).
- One approved transfer: 40,000.00 from ศธจ.นศ.61-15 (teachers' day, 150,000.00 → 110,000.00)
  to ศธจ.นศ.61-06 (reading, 420,000.00 → 460,000.00), so กลุ่มบริหารงานบุคคล 800,000.00 →
  760,000.00 and กลุ่มพัฒนาการศึกษา 1,540,000.00 → 1,580,000.00; one request nobody decided
  (15,000.00 from ศธจ.นศ.61-19 to ศธจ.นศ.61-18), withdrawn by the year-end close.
- Disbursed by the PEO, cumulative, and its rate (disbursed ÷ its envelopes after transfers):

  ======  ==============  =========  =========  =========  =====================
  end of  disbursed       overall    current    capital    cabinet target
  ======  ==============  =========  =========  =========  =====================
  Q1      901,911.59      12.22 %    13.38 %     0.00 %
  Q2      3,441,401.65    46.63 %    47.81 %    34.19 %    52.29 % (behind)
  Q3      5,266,360.96    71.36 %    74.89 %    34.19 %    74.29 / 77 / 65.11 %
  Q4      6,904,481.48    93.56 %    97.42 %    52.87 %
  ======  ==============  =========  =========  =========  =====================

  Behind the cabinet at mid-year (5.66 points), near it at Q3 (2.93 points overall, 2.11
  current), capital far behind (the video-conference system's first e-bidding failed; the
  contract, 398,500.00, was signed in July 2561).
- Projects against their own spending plans (which follow their activities' months): far
  behind at Q2 ศธจ.นศ.61-09 (5.04 % against 68.00 %), 61-19, 61-12, 61-18, 61-13 and 61-02;
  ahead at Q2 61-17 (77.61 % against 62.72 %), 61-10, 61-05 and 61-06; far behind at Q3
  61-09 (61.00 % against 92.00 %), 61-19 and 61-13; ahead at Q3 61-03 (96.57 % against
  70.37 %), 61-06 and 61-12 (which caught up in June).
- Year end (``year_end_close`` for the PEO and the units below it): the video-conference
  contract's unpaid 278,950.00 is carried into FY2562 as carry-over money payable until
  31 March 2562, and paid there in two instalments (14 December 2561 and 15 March 2562);
  the PEO's unspent 196,568.52 lapses (6,904,481.48 + 278,950.00 + 196,568.52 = 7,380,000.00).
- สพป.นศ. เขต 1 (fund "agency"): 1,300,000.00 allocated to its five projects; disbursed
  620,650.00 by Q2 (47.74 %), 924,950.00 by Q3 (71.15 %), 1,234,050.00 by Q4 (94.93 %); the
  rest, 65,950.00, lapses.
- The province as the PEO's overview shows it (the PEO and the units below it): 8,680,000.00
  allocated; 46.80 % disbursed at Q2 (behind the 52.29 % target), 71.33 % at Q3 (current
  74.28 %, capital 34.19 %), 93.76 % at Q4.
"""

from __future__ import annotations

# The fiscal year of the demo budget (BE); its carried-over money is paid in the next one.
BUDGET_YEAR = 2561
