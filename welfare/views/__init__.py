"""Views of the 送温暖 area, one module per page group; ``welfare.urls`` uses the names re-exported here.

Managers (chair, committee, sub-union chair) work within their subtree; a member sees their own
records. Sensitive records follow ``welfare.access``; every read of a sensitive detail page and
every export writes an audit entry. Writes go through ``welfare.services``, aggregates through
``welfare.selectors``.
"""

from .caps import caps, compliance
from .distributions import distribution_create, distribution_detail, distribution_list
from .donations import donation_list, drive_bulk, drive_create, drive_detail
from .hardship import hardship_create, hardship_detail, hardship_list
from .healthchecks import healthcheck_create, healthcheck_detail, healthcheck_list
from .home import index, life_event_create, pending_cancel
from .imports import import_confirm, import_preview, import_template, import_upload
from .ledger import ledger, ledger_export
from .occasions import occasion_toggle, occasions
from .plans import claim_advance, claim_create, claim_detail, member_enrollments, plan_create, plan_list
from .service_records import service_create, service_list
from .visits import visit_create, visit_detail

__all__ = [
    "caps", "claim_advance", "claim_create", "claim_detail", "compliance", "distribution_create",
    "distribution_detail", "distribution_list", "donation_list", "drive_bulk", "drive_create", "drive_detail",
    "hardship_create", "hardship_detail", "hardship_list", "healthcheck_create", "healthcheck_detail", "healthcheck_list",
    "import_confirm", "import_preview", "import_template", "import_upload", "index", "ledger",
    "ledger_export", "life_event_create", "member_enrollments", "occasion_toggle", "occasions", "pending_cancel", "plan_create", "plan_list", "service_create",
    "service_list", "visit_create", "visit_detail",
]  # fmt: skip
