"""Retention policies: the daily job that anonymises long-gone customers and deletes the original
copies of old received e-mails, organization by organization, in batches; and the settings
the nightly purge of deleted inquiries reads (inquiries.services.lifecycle).

Every rule is off until an administrator sets it. A run is idempotent: anonymised customers and
e-mails already without their original are not picked again, so a second run the same day does
nothing (and logs nothing).

Which customers are "gone" (anonymise after N months): the customer has at least one case, none
of their cases is open, and none was created, resolved or closed in the last N months; they sent
no inquiry in that time; and they are nobody's current owner, resident or contact (a contact role
without an end, or ending today or later) and hold no current agreement. Customers without any
case are left alone: they are kept for their property or agreement, not for a case.
"""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from customers.models import ContactRole, Customer
from inquiries.models import InboundEmail, Inquiry
from organizations.models import Organization
from organizations.tenancy import all_organizations, organization_scope
from privacy.models import PrivacyLog, RetentionPolicy
from privacy.services import customer_erase
from properties.models import Agreement

logger = logging.getLogger(__name__)

CUSTOMER_BATCH = 100
EMAIL_BATCH = 500
# E-mails still waiting to be processed keep their original whatever their age.
PURGEABLE_EMAIL_STATUSES = (
    InboundEmail.Status.PROCESSED,
    InboundEmail.Status.IGNORED,
    InboundEmail.Status.FAILED,
)


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """`moment` minus whole calendar months (the 31st becomes the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


def customers_due(
    org: Organization, cutoff: datetime.datetime, today: datetime.date
) -> QuerySet[Customer]:
    """The organization's customers the anonymisation rule applies to (see the module's note)."""
    customer = OuterRef("pk")
    recent_or_open = Case.objects.filter(customer=customer).filter(
        Q(status__in=Case.OPEN_STATUSES)
        | Q(created_at__gte=cutoff)
        | Q(resolved_at__gte=cutoff)
        | Q(closed_at__gte=cutoff)
    )
    recent_inquiry = Inquiry.objects.filter(organization=org, created_at__gte=cutoff).filter(
        Q(customer=customer) | (Q(sender_email__iexact=OuterRef("email")) & ~Q(sender_email=""))
    )
    current_role = ContactRole.objects.filter(customer=customer).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    current_agreement = Agreement.objects.filter(customer=customer).filter(
        Q(period_end__isnull=True) | Q(period_end__gte=today)
    )
    return (
        Customer.objects.filter(organization=org, anonymised_at__isnull=True)
        .filter(Exists(Case.objects.filter(customer=customer)))
        .exclude(Exists(recent_or_open))
        .exclude(Exists(recent_inquiry))
        .exclude(Exists(current_role))
        .exclude(Exists(current_agreement))
        .order_by("pk")
    )


def _anonymise_customers(
    policy: RetentionPolicy, now: datetime.datetime, batch: int
) -> tuple[int, int]:
    """(anonymised, failed) for one batch of the organization's customers past the cutoff."""
    org = policy.organization
    cutoff = months_before(now, policy.anonymise_customers_after_months)
    done = failed = 0
    reason = _("Retention policy: all cases closed more than %(months)d months ago.") % {
        "months": policy.anonymise_customers_after_months
    }
    for customer in customers_due(org, cutoff, timezone.localdate(now))[:batch]:
        try:
            customer_erase(org=org, actor=None, customer=customer, reason=reason)
        except ValidationError:
            failed += 1  # anonymised meanwhile by someone else
        except Exception:
            logger.exception("retention: erasing customer %s failed", customer.pk)
            failed += 1
        else:
            done += 1
    return done, failed


def _purge_raw_emails(policy: RetentionPolicy, now: datetime.datetime, batch: int) -> int:
    cutoff = now - datetime.timedelta(days=policy.raw_email_days)
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                InboundEmail.objects.select_for_update(skip_locked=True)
                .filter(
                    organization=policy.organization,
                    received_at__lt=cutoff,
                    status__in=PURGEABLE_EMAIL_STATUSES,
                )
                .exclude(raw=b"")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return total
            total += InboundEmail.objects.filter(pk__in=ids).update(raw=b"")


def retention_apply(
    *,
    policy: RetentionPolicy,
    now: datetime.datetime | None = None,
    customer_batch: int = CUSTOMER_BATCH,
    email_batch: int = EMAIL_BATCH,
) -> dict[str, int]:
    """Apply one organization's policy once: at most `customer_batch` customers (the next run
    takes the next ones) and every old raw e-mail, in batches of `email_batch`. Logs what it
    did in the privacy log, nothing when it did nothing."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    if policy.anonymise_customers_after_months:
        done, failed = _anonymise_customers(policy, now, customer_batch)
        if done:
            counts["customers_anonymised"] = done
        if failed:
            counts["customers_failed"] = failed
    if policy.raw_email_days:
        purged = _purge_raw_emails(policy, now, email_batch)
        if purged:
            counts["raw_emails_deleted"] = purged
    if counts:
        PrivacyLog.objects.create(
            organization=policy.organization,
            action=PrivacyLog.Action.RETENTION,
            counts=counts,
        )
    return counts


def retention_apply_all(*, now: datetime.datetime | None = None) -> dict[int, dict[str, int]]:
    """Every organization's policy with a rule switched on; {org id: counts} of those that
    did something."""
    with all_organizations("beat runs every organization's retention policy"):
        policies = list(
            RetentionPolicy.objects.filter(
                Q(anonymise_customers_after_months__isnull=False) | Q(raw_email_days__isnull=False)
            )
            .select_related("organization")
            .order_by("pk")
        )
    done = {}
    for policy in policies:
        with organization_scope(policy.organization_id):
            counts = retention_apply(policy=policy, now=now)
        if counts:
            done[policy.organization_id] = counts
    return done


# --- The nightly purge of deleted inquiries (inquiries.services.lifecycle) --------------------


def deleted_inquiry_days_by_org() -> dict[int, int]:
    """Organizations whose policy sets its own number of days for deleted inquiries."""
    return dict(
        RetentionPolicy.objects.filter(deleted_inquiry_days__isnull=False).values_list(
            "organization_id", "deleted_inquiry_days"
        )
    )


def deleted_inquiries_purged(counts: dict[int, int]) -> None:
    """The purge's report, in its transaction: one log row per organization."""
    PrivacyLog.objects.bulk_create(
        [
            PrivacyLog(
                organization_id=org_id,
                action=PrivacyLog.Action.RETENTION,
                counts={"deleted_inquiries_purged": count},
            )
            for org_id, count in counts.items()
        ]
    )
