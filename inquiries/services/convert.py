"""Turning inquiries into cases: one at a time with edits, or many at once without."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Attachment, Case, CaseEvent, Category, NotificationRequest
from cases.models import attachment_path as case_attachment_path
from cases.services.attachments import THUMBNAIL_TYPES, files_removed_on_error
from cases.services.cases import CaseData, case_create_many
from cases.services.categories import category_for_bulk
from cases.services.events import event_build, events_save
from cases.services.thumbnails import thumbnails_make_after_commit
from customers.models import Customer
from customers.services import customer_create
from inquiries.models import Channel, Inquiry, InquiryAttachment, IntakeRule
from inquiries.services.audit import audit_converted
from inquiries.services.files import generated_name, stored_copy
from inquiries.services.matching import (
    NewCustomer,
    case_description,
    case_title,
    categories_by_hint,
    category_from_hint,
    customers_resolve,
    deadline_for,
)
from inquiries.services.rules import (
    assignee_rotation_advance_if,
    assignees_take,
    channel_group_for,
    intake_rules_locked,
    rotation_save,
)
from organizations.models import Organization, User

Request = NotificationRequest


def rule_notifications(rule: IntakeRule, customer: Customer | None) -> list[tuple[str, str, str]]:
    """The confirmation e-mail the rule asks for, when there is someone to send it to: sent
    as the case_created message ("we have registered your case"), since a case now exists."""
    if rule.send_confirmation and customer is not None and customer.email:
        return [(Request.Audience.CUSTOMER, Request.Channel.EMAIL, Request.Reason.CONFIRMATION)]
    return []


def case_data_from_rule(
    inquiry: Inquiry,
    rule: IntakeRule,
    *,
    customer: Customer | None,
    assignee: User | None,
    category: Category | None,
) -> CaseData:
    """What the rule alone makes of an inquiry (bulk, automatic, and the form's starting point)."""
    return CaseData(
        title=case_title(inquiry),
        description=case_description(inquiry.message, inquiry.location),
        category=category,
        priority=rule.priority,
        source=inquiry.channel,
        contact_method=rule.contact_method,
        customer=customer,
        property=inquiry.property,
        assignee=assignee,
        teams=list(rule.teams.all()),
        deadline=deadline_for(rule),
        external_reference=inquiry.external_reference,
        visible_to_customer=(
            rule.visible_to_customer_default if inquiry.channel == Channel.PORTAL else False
        ),
        notify=rule_notifications(rule, customer),
        event_data={"inquiry": inquiry.pk, "channel": inquiry.channel},
    )


def _copy_attachments(
    org: Organization,
    actor: User | None,
    pairs: Iterable[tuple[Case, Sequence[InquiryAttachment]]],
    written: list[str],
) -> list[Attachment]:
    """Copy inquiry files onto cases under new names: one insert for the rows and one for
    their ATTACHMENT events, however many files (the copying itself is file I/O)."""
    rows: list[Attachment] = []
    for case, files in pairs:
        for source in files:
            extension = os.path.splitext(source.stored_name)[1]  # ours, from the checks
            row = Attachment(
                organization=org,
                case=case,
                stored_name=generated_name(extension),
                original_name=source.original_name,
                content_type=source.content_type,
                size=source.size,
                uploaded_by=actor,
            )
            row.file.name = stored_copy(
                source.file.name, case_attachment_path(row, source.original_name)
            )
            written.append(row.file.name)
            rows.append(row)
    if not rows:
        return []
    Attachment.objects.bulk_create(rows)
    images = [row for row in rows if row.content_type in THUMBNAIL_TYPES]
    # Decoding images would slow conversion down; a worker makes the thumbnails.
    thumbnails_make_after_commit(images)
    events_save(
        [
            event_build(
                case=row.case,
                actor=actor,
                kind=CaseEvent.Kind.ATTACHMENT,
                new=row.original_name,
                attachment=row,
                data={"from_inquiry": True},
            )
            for row in rows
        ]
    )
    return rows


def _locked_new(org: Organization, ids: Iterable[int]) -> list[Inquiry]:
    """The organization's still-new inquiries among `ids`, locked, oldest first. Ids of other
    organizations or already handled inquiries are ignored."""
    ids = {int(i) for i in ids}
    if not ids:
        return []
    return list(
        Inquiry.objects.select_for_update(of=("self",))
        .filter(organization=org, pk__in=ids, status=Inquiry.Status.NEW)
        .select_related("property", "customer")
        .prefetch_related(
            Prefetch("attachments", queryset=InquiryAttachment.objects.order_by("pk"))
        )
        .order_by("created_at", "pk")
    )


def _customers_for(
    org: Organization, pairs: Sequence[tuple[Inquiry, IntakeRule]]
) -> list[Customer | None]:
    """The inquiry's own customer when it came with one (a resident signed in to the portal),
    else whom the rule finds or makes (`customers_resolve`, matching by e-mail)."""
    unknown = [index for index, (inquiry, _rule) in enumerate(pairs) if inquiry.customer is None]
    found = customers_resolve(org, [pairs[index] for index in unknown])
    customers: list[Customer | None] = [inquiry.customer for inquiry, _rule in pairs]
    for index, customer in zip(unknown, found, strict=True):
        customers[index] = customer
    return customers


def _mark_converted(
    org: Organization, inquiries: Sequence[Inquiry], cases: Sequence[Case], actor: User | None
) -> None:
    """Mark the inquiries converted, each linked to its case, in one statement (and one for
    their audit events)."""
    now = timezone.now()
    for inquiry, case in zip(inquiries, cases, strict=True):
        inquiry.status = Inquiry.Status.CONVERTED
        inquiry.case = case
        inquiry.handled_by = actor
        inquiry.handled_at = now
    ids = [i.pk for i in inquiries]
    if connection.vendor == "postgresql":
        # One UPDATE joined to the (id, case) pairs; bulk_update's CASE WHEN per row costs
        # seconds at 1,000 rows.
        table = Inquiry._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS i SET case_id = v.case_id, status = %s, "
                "handled_by_id = %s, handled_at = %s "
                "FROM unnest(%s::bigint[], %s::bigint[]) AS v(id, case_id) "
                "WHERE i.id = v.id AND i.organization_id = %s",
                [
                    Inquiry.Status.CONVERTED.value,
                    actor.pk if actor else None,
                    now,
                    ids,
                    [c.pk for c in cases],
                    org.pk,
                ],
            )
    else:
        Inquiry.objects.bulk_update(
            inquiries, ["status", "case", "handled_by", "handled_at"], batch_size=500
        )
    audit_converted(org, actor, inquiries, cases)


@transaction.atomic
def inquiries_convert_by_rules(
    *, org: Organization, actor: User | None, ids: Iterable[int], bulk: bool
) -> list[Case]:
    """Each inquiry becomes a case as its channel's intake rule says, with no edits.

    `bulk=True` ("Lag sak" on many) gives every case the organization's bulk category
    (warranty claim by default); otherwise the inquiry's own category hint, else the rule's.
    The number of queries does not depend on how many inquiries there are.
    """
    inquiries = _locked_new(org, ids)
    if not inquiries:
        return []
    rules = intake_rules_locked(org, {channel_group_for(i.channel) for i in inquiries})
    pairs = [(i, rules[channel_group_for(i.channel)]) for i in inquiries]

    by_group: dict[str, list[int]] = {}
    for index, (_inquiry, rule) in enumerate(pairs):
        by_group.setdefault(rule.channel_group, []).append(index)
    assignees: list[User | None] = [None] * len(pairs)
    for group, indexes in by_group.items():
        for index, user in zip(indexes, assignees_take(rules[group], len(indexes)), strict=True):
            assignees[index] = user

    bulk_category = category_for_bulk(org) if bulk else None
    hints = categories_by_hint(org) if bulk_category is None else {}
    customers = _customers_for(org, pairs)
    items = [
        case_data_from_rule(
            inquiry,
            rule,
            customer=customer,
            assignee=assignee,
            category=bulk_category
            or category_from_hint(inquiry.category_hint, hints)
            or rule.category,
        )
        for (inquiry, rule), customer, assignee in zip(pairs, customers, assignees, strict=True)
    ]
    cases = case_create_many(org=org, actor=actor, items=items)
    _mark_converted(org, inquiries, cases, actor)
    with files_removed_on_error() as written:
        _copy_attachments(
            org,
            actor,
            [(c, list(i.attachments.all())) for c, i in zip(cases, inquiries, strict=True)],
            written,
        )
        rotation_save(rules.values())
    return cases


def inquiry_convert_many(
    *, org: Organization, actor: User | None, inquiries: Iterable[Inquiry | int]
) -> list[Case]:
    """ "Lag sak" for the selected inquiries: one case each, bulk category, no edits."""
    ids = [i.pk if isinstance(i, Inquiry) else i for i in inquiries]
    return inquiries_convert_by_rules(org=org, actor=actor, ids=ids, bulk=True)


@transaction.atomic
def inquiry_convert(
    *,
    org: Organization,
    actor: User | None,
    inquiry: Inquiry,
    case_data: CaseData,
    new_customer: NewCustomer | None = None,
    attachments: Iterable[InquiryAttachment] | None = None,
) -> Case:
    """One inquiry becomes a case with the caseworker's edits (the pre-filled form).

    `new_customer` is created when `case_data` names no customer; `attachments` (default all
    of the inquiry's) are copied onto the case. The notices in `case_data.notify` are queued
    as outbox messages by case_create_many (or recorded as skipped, with the reason).
    """
    if inquiry.organization_id != org.pk:
        raise ValidationError(_("That belongs to another organization."))
    locked = _locked_new(org, [inquiry.pk])
    if not locked:
        raise ValidationError(_("This inquiry has already been handled."))
    inquiry = locked[0]
    customer = case_data.customer
    if customer is None and new_customer is None:
        customer = inquiry.customer
    if customer is None and new_customer is not None and new_customer.name.strip():
        customer = customer_create(
            org=org,
            actor=actor,
            name=new_customer.name,
            email=new_customer.email,
            phone=new_customer.phone,
            kind=new_customer.kind,
        )
    event_data = {"inquiry": inquiry.pk, "channel": inquiry.channel, **case_data.event_data}
    case_data = replace(case_data, customer=customer, source=inquiry.channel, event_data=event_data)
    case = case_create_many(org=org, actor=actor, items=[case_data])[0]
    _mark_converted(org, [inquiry], [case], actor)
    own = {a.pk: a for a in inquiry.attachments.all()}
    chosen = (
        list(own.values())
        if attachments is None
        else [own[a.pk] for a in attachments if a.pk in own]
    )
    with files_removed_on_error() as written:
        _copy_attachments(org, actor, [(case, chosen)], written)
        assignee_rotation_advance_if(org=org, channel=inquiry.channel, user=case_data.assignee)
    return case
