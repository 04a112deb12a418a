"""Pages of the budget: ``setup`` (reference data, allocations, spending plans, transfers, year
end), ``records`` (commitments and disbursements, imports, a project's money) and ``overview``
(the budget overview, efficiency, the Budget Bureau's form)."""
