"""Resident accounts: staff invite a customer, a visitor registers, a link is spent, a resident
changes their profile, password or language."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.services import customer_update, normalize_email
from inquiries.models import IntakeRule
from inquiries.services.matching import customers_by_email
from inquiries.services.rules import intake_rule_for_group
from organizations.models import Organization, User
from organizations.scoping import check_same_org
from portal.emails import portal_email_queue
from portal.models import PortalToken, ResidentAccount
from portal.services.signin import _count, account_by_email
from portal.tokens import link_url, token_check, token_issue, token_spend, tokens_prune

Purpose = PortalToken.Purpose
LANGUAGE_CODES = ("nb", "sv", "da", "en")
REGISTRATIONS_PER_ADDRESS_PER_HOUR = 3


def portal_rule(org: Organization) -> IntakeRule:
    return intake_rule_for_group(org, IntakeRule.ChannelGroup.PORTAL)


def self_registration_allowed(org: Organization) -> bool:
    return bool(
        IntakeRule.objects.filter(
            organization=org,
            channel_group=IntakeRule.ChannelGroup.PORTAL,
            allow_self_registration=True,
        ).exists()
    )


@transaction.atomic
def account_invite(*, org: Organization, actor: User, customer: Customer) -> ResidentAccount:
    """Give `customer` a portal account (or reuse theirs) and e-mail them an invitation link.
    Earlier unused invitations stop working."""
    check_same_org(org, customer)
    if customer.anonymised_at is not None:
        raise ValidationError(_("This customer's personal data has been erased."))
    email = normalize_email(customer.email)
    if not email:
        raise ValidationError(_("The customer has no e-mail address to send the invitation to."))
    account = ResidentAccount.objects.filter(organization=org, customer=customer).first()
    if account is None:
        other = account_by_email(org, email)
        if other is not None:
            raise ValidationError(
                _("Another customer (%(name)s) already signs in with %(email)s.")
                % {"name": other.customer.name, "email": email}
            )
        try:
            with transaction.atomic():
                account = ResidentAccount.objects.create(
                    organization=org, customer=customer, email=email, invited_by=actor
                )
        except IntegrityError as exc:
            raise ValidationError(
                _("Another customer already signs in with %(email)s.") % {"email": email}
            ) from exc
    elif not account.is_active:
        raise ValidationError(_("This customer's portal account is switched off."))
    tokens_prune(org, account, Purpose.INVITE)
    _token, raw = token_issue(org=org, purpose=Purpose.INVITE, account=account)
    portal_email_queue(
        org=org,
        purpose=Purpose.INVITE,
        to=account.email,
        name=customer.name,
        link=link_url(org, raw),
        language=account.language,
        actor=actor,
    )
    return account


def registration_start(*, org: Organization, name: str, email: str, language: str) -> None:
    """Self-registration, step one: e-mail a link that finishes it. Raises ValidationError
    (fields name, email) for bad input; otherwise answers nothing, so whether the address
    already has an account is not told (such an address gets a sign-in link instead)."""
    name = " ".join((name or "").split())[:200]
    address = normalize_email(email)
    errors = {}
    if not name:
        errors["name"] = _("Enter your name.")
    try:
        validate_email(address)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    if _count(f"portal:register:{org.pk}:{address}") > REGISTRATIONS_PER_ADDRESS_PER_HOUR:
        return
    with transaction.atomic():
        existing = account_by_email(org, address)
        if existing is not None:
            tokens_prune(org, existing, Purpose.LOGIN)
            _token, raw = token_issue(org=org, purpose=Purpose.LOGIN, account=existing)
            purpose, to_name, lang = Purpose.LOGIN, existing.customer.name, existing.language
        else:
            _token, raw = token_issue(org=org, purpose=Purpose.REGISTER, email=address, name=name)
            purpose, to_name, lang = Purpose.REGISTER, name, ""
        portal_email_queue(
            org=org,
            purpose=purpose,
            to=address,
            name=to_name,
            link=link_url(org, raw),
            language=lang or language,
        )


def _registered_account(org: Organization, token: PortalToken, language: str) -> ResidentAccount:
    """The account a registration link makes: the customer by the portal rule (matched by
    e-mail or new), unless the address got an account meanwhile."""
    existing = account_by_email(org, token.email)
    if existing is not None:
        return existing
    rule = portal_rule(org)
    customer = None
    if rule.customer_handling == IntakeRule.CustomerHandling.MATCH_EMAIL:
        customer = customers_by_email(org, [token.email]).get(token.email)
        if customer is not None and (
            customer.anonymised_at is not None
            or ResidentAccount.objects.filter(customer=customer).exists()
        ):
            customer = None
    if customer is None:
        customer = Customer.objects.create(
            organization=org,
            name=token.name or token.email,
            email=token.email,
            kind=rule.new_customer_kind,
        )
    return ResidentAccount.objects.create(
        organization=org,
        customer=customer,
        email=token.email,
        language=language if language in LANGUAGE_CODES else "",
    )


def link_use(
    *, org: Organization, raw: str, language: str = ""
) -> tuple[ResidentAccount | None, str]:
    """Spend a link: (the account to sign in, "") or (None, why it cannot be used)."""
    with transaction.atomic():
        checked = token_check(org, raw, lock=True)
        if checked.problem:
            return None, checked.problem
        token = checked.token
        if token.purpose == Purpose.REGISTER:
            if not self_registration_allowed(org):
                return None, "closed"
            account = _registered_account(org, token, language)
        else:
            account = token.account
        token_spend(token)
    return account, ""


def password_set(
    *, org: Organization, account: ResidentAccount, password: str, repeat: str
) -> None:
    """Set (or with both empty, remove) the account's password; errors name the fields."""
    check_same_org(org, account)
    if not password and not repeat:
        account.set_password(None)
        account.save(update_fields=["password"])
        return
    if password != repeat:
        raise ValidationError({"repeat": _("The two passwords differ.")})
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    account.set_password(password)
    account.save(update_fields=["password"])


PROFILE_FIELDS = ("name", "phone", "address", "postcode", "city")


@transaction.atomic
def profile_update(
    *,
    org: Organization,
    account: ResidentAccount,
    name: str,
    phone: str,
    address: str,
    postcode: str,
    city: str,
    language: str,
    notify_by: str,
) -> ResidentAccount:
    """The resident's own contact details (on their customer), language and how they want to
    be notified. SMS needs a mobile number."""
    check_same_org(org, account)
    errors: dict[str, str] = {}
    if language and language not in LANGUAGE_CODES:
        errors["language"] = _("Choose one of the languages offered.")
    if notify_by not in ResidentAccount.Notify.values:
        errors["notify_by"] = _("Choose e-mail or SMS.")
    phone = (phone or "").strip()
    if notify_by == ResidentAccount.Notify.SMS:
        from notifications.outbox import normalise_phone

        if not phone:
            errors["phone"] = _("Give a mobile number to be notified by SMS.")
        else:
            try:
                normalise_phone(phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages[0]
    customer_errors = {}
    if not errors:
        try:
            customer_update(
                org=org,
                actor=None,
                customer=account.customer,
                name=name,
                phone=phone,
                address=address,
                postcode=postcode,
                city=city,
            )
        except ValidationError as exc:
            customer_errors = {field: messages[0] for field, messages in exc.message_dict.items()}
    errors.update(customer_errors)
    if errors:
        raise ValidationError(errors)
    account.language = language or ""
    account.notify_by = notify_by
    account.save(update_fields=["language", "notify_by"])
    return account


def account_language_set(*, org: Organization, account: ResidentAccount, language: str) -> None:
    check_same_org(org, account)
    if language in LANGUAGE_CODES and account.language != language:
        account.language = language
        account.save(update_fields=["language"])
