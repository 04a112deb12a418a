"""Pages of monitoring (การติดตามและประเมินผล), under ``/monitoring/`` with the namespace
``monitoring``: each views module lists its own routes.

- ``views.reports``: progress reports, their activities and the workflow;
- ``views.parts``: a report's indicator results, problems, corrective actions, evidence and
  contributions;
- ``views.periods``: reporting periods, deadlines and late-entry exceptions;
- ``views.overview``: the compliance board, the quarterly overview, its PDF and the สงป. 302 form;
- ``views.evaluations``: half-year and annual evaluations and lessons learned.
"""

from phaen.monitoring.views import evaluations, overview, parts, periods, reports

app_name = "monitoring"

urlpatterns = [
    *reports.urlpatterns,
    *parts.urlpatterns,
    *periods.urlpatterns,
    *overview.urlpatterns,
    *evaluations.urlpatterns,
]
