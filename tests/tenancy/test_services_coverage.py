"""Every module with a same-organization guard has its parametrised tenancy test (issue 10).

A module of the application that refuses another organization's objects (`check_same_org`, an
`organization_id != org.pk` comparison, the "That belongs to another organization." message)
must be named here with the test that calls each of its services with another organization's
object, so a new service module cannot go untried. A guard removed from a listed module fails
that test (checked by removing each guard in turn, see the issue 10 report).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

GUARD = re.compile(r"check_same_org\(|organization_id != org\.pk|belongs to another organization")
APPS = (
    "organizations",
    "customers",
    "properties",
    "notifications",
    "cases",
    "printing",
    "inquiries",
    "portal",
    "privacy",
    "reports",
)
T = "tests/tenancy/test_services_"
# Module -> the test (file::function) that tries another organization's objects on it.
COVERED = {
    "cases/services/cases.py": f"{T}cases.py::test_cases_module_refuses",
    "cases/services/tasks.py": f"{T}cases.py::test_tasks_module_refuses",
    "cases/services/tags.py": f"{T}cases.py::test_tags_module_refuses",
    "cases/services/notes.py": f"{T}cases.py::test_notes_module_refuses",
    "cases/services/time.py": f"{T}cases.py::test_time_module_refuses",
    "cases/services/attachments.py": f"{T}cases.py::test_attachments_module_refuses",
    "cases/services/messages.py": f"{T}cases.py::test_messages_module_refuses",
    "cases/services/inbound.py": f"{T}cases.py::test_inbound_module_refuses",
    "cases/services/bulk.py": f"{T}cases.py::test_bulk_module_refuses",
    "cases/services/deviations.py": f"{T}cases.py::test_deviations_module_refuses",
    "cases/services/service_level_policies.py": f"{T}cases.py::test_service_level_policies",
    "cases/services/merge.py": f"{T}cases.py::test_merge_module_refuses",
    "customers/services.py": f"{T}customers.py::test_customers_module_refuses",
    "customers/contact_undo.py": f"{T}customers.py::test_contact_undo_module_refuses",
    "properties/services.py": f"{T}properties.py::test_properties_module_refuses",
    "organizations/services.py": f"{T}organizations.py::test_organizations_module_refuses",
    "organizations/services_api_keys.py": f"{T}organizations.py::test_api_keys_module_refuses",
    "organizations/audit.py": f"{T}organizations.py::test_audit_module_refuses",
    "organizations/calendar.py": f"{T}organizations.py::test_calendar_module_refuses",
    "inquiries/services/intake.py": f"{T}inquiries.py::test_intake_module_refuses",
    "inquiries/services/email_link.py": f"{T}inquiries.py::test_email_link_module_refuses",
    "inquiries/services/email_settings.py": f"{T}inquiries.py::test_email_settings_module",
    "inquiries/services/convert.py": f"{T}inquiries.py::test_convert_module_refuses",
    "inquiries/services/rules.py": f"{T}inquiries.py::test_rules_module_refuses",
    "inquiries/email/pipeline.py": f"{T}inquiries.py::test_email_pipeline_refuses",
    "inquiries/services/deviation.py": f"{T}inquiries.py::test_deviation_module_refuses",
    "notifications/saved_replies.py": f"{T}notifications.py::test_saved_replies_module",
    "notifications/outbox/delivery.py": f"{T}notifications.py::test_outbox_delivery_module",
    "notifications/staff.py": f"{T}notifications.py::test_staff_module_refuses",
    "portal/services/accounts.py": f"{T}portal.py::test_accounts_module_refuses",
    "portal/services/messages.py": f"{T}portal.py::test_messages_module_refuses",
    "portal/inquiry/services.py": f"{T}portal.py::test_inquiry_module_refuses",
    "portal/tokens.py": f"{T}portal.py::test_accounts_module_refuses",  # through link_use
    "printing/services/jobs.py": f"{T}printing.py::test_jobs_module_refuses",
    "privacy/services.py": f"{T}privacy.py::test_privacy_module_refuses",
    "reports/services/case_export.py": f"{T}reports.py::test_export_jobs_module_refuses",
    "reports/services/export_jobs.py": f"{T}reports.py::test_export_jobs_module_refuses",
    "reports/services/saved_views.py": f"{T}reports.py::test_saved_views_module_refuses",
}
# Modules that mention the guard without being one, and why.
NOT_SERVICES = {
    "organizations/scoping.py": "defines check_same_org",
    "portal/views/signin.py": "a page's text about another organization's sign-in link",
    "organizations/admin.py": "the Django admin's forms (tests/tenancy/test_admin.py)",
}


def _guarded_modules() -> list[str]:
    root = Path(settings.BASE_DIR)
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if "/migrations/" in rel or "/management/" in rel:
                continue
            if GUARD.search(path.read_text(encoding="utf-8")):
                found.append(rel)
    return found


def test_every_module_with_an_organization_guard_has_its_tenancy_test():
    guarded = _guarded_modules()
    assert "cases/services/cases.py" in guarded
    missing = [m for m in guarded if m not in COVERED and m not in NOT_SERVICES]
    assert not missing, (
        "modules with a same-organization guard but no test trying another organization's "
        "objects on each of their services (add one to tests/tenancy/test_services_<app>.py "
        "and name it in COVERED):\n" + "\n".join(missing)
    )


def test_every_named_test_exists():
    root = Path(settings.BASE_DIR)
    for module, target in COVERED.items():
        path, function = target.split("::")
        assert f"def {function}" in (root / path).read_text(encoding="utf-8"), (module, target)
