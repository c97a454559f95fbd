"""Forms of the receiving e-mail settings and the "link to case" action."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from inquiries.models import ImapMailbox


class ReceivingAddressForm(forms.Form):
    address = forms.EmailField(label=_("Address"), max_length=254)
    is_primary = forms.BooleanField(
        label=_("Reply address of outgoing e-mail"),
        required=False,
        help_text=_("Customers' answers to our e-mail come back to this address."),
    )


class ImapMailboxForm(forms.Form):
    host = forms.CharField(label=_("Server"), max_length=255)
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    use_ssl = forms.BooleanField(label=_("Use SSL/TLS"), required=False, initial=True)
    username = forms.CharField(label=_("User name"), max_length=255)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Stored encrypted. Leave empty to keep the current password."),
    )
    folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, mailbox: ImapMailbox | None = None, **kwargs) -> None:
        if mailbox is not None:
            kwargs.setdefault(
                "initial",
                {
                    "host": mailbox.host,
                    "port": mailbox.port,
                    "use_ssl": mailbox.use_ssl,
                    "username": mailbox.username,
                    "folder": mailbox.folder,
                    "is_active": mailbox.is_active,
                },
            )
        super().__init__(*args, **kwargs)
        if mailbox is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = _("Stored encrypted.")


class LinkToCaseForm(forms.Form):
    number = forms.IntegerField(
        label=_("Case number"),
        min_value=1,
        max_value=999_999_999,
        help_text=_("The e-mail moves onto this case's history, with its attachments."),
    )
