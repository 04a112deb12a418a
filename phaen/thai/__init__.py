"""Thai calendar, dates, digits and money for phaen: the lowest layer, with no models.

Everything else in phaen shows dates, fiscal periods and baht through this package, so the
rules (BE years, the October fiscal year, baht in words) live in exactly one place.
"""
