"""Every write to cases goes through these services; each appends its CaseEvent in the same
transaction. Import from the submodules: `from cases.services.cases import case_create`."""
