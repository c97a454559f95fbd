from django.urls import path

from cases.views import lists, lists_bulk, lists_create, lists_work

urlpatterns = [
    path("", lists.inbox, name="inbox"),
    path("cases/", lists.case_list, name="case_list"),
    path("cases/new/", lists_create.case_new, name="case_new"),
    path("cases/new/property/", lists_create.case_new_property, name="case_new_property"),
    path("cases/bulk/", lists_bulk.case_bulk, name="case_bulk"),
    path("work/", lists_work.supplier_work, name="supplier_work"),
]
