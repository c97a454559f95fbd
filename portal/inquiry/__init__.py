"""New inquiries from the portal: the organization's inquiry forms (admins edit them), the
resident's own homes, uploads kept across a rejected form, and filing the inquiry."""
