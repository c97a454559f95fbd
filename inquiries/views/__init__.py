from inquiries.views.convert import inquiry_convert, inquiry_convert_now
from inquiries.views.deviation import inquiry_deviation
from inquiries.views.lists import inquiry_attachment, inquiry_bulk, inquiry_list, inquiry_preview
from inquiries.views.register import inquiry_register
from inquiries.views.settings import bulk_category_edit, intake_rule_edit, intake_settings

__all__ = [
    "bulk_category_edit",
    "inquiry_attachment",
    "inquiry_bulk",
    "inquiry_convert",
    "inquiry_convert_now",
    "inquiry_deviation",
    "inquiry_list",
    "inquiry_preview",
    "inquiry_register",
    "intake_rule_edit",
    "intake_settings",
]
