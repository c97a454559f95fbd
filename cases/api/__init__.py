"""The cases part of the HTTP API (/api/v1/cases/): read and update cases from integrations."""
