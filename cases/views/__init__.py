from cases.views.detail import case_detail  # noqa: F401
from cases.views.lists import case_list, inbox  # noqa: F401
from cases.views.lists_work import supplier_work  # noqa: F401
