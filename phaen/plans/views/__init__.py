"""Pages of plans: ``structure`` (plans, versions and their content) and ``analysis``
(alignment, gap analysis, calendar, a unit's work)."""
