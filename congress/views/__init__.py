"""Views of the congress area: proposals from draft to 办结, supervision, suggestions, votes.

Function views; state changes are POST only and redirect. Forms validate, the services in
``congress.services`` write and check the acting role, the selectors in ``congress.selectors``
read (scoped, 404 when out of reach); a refused transition shows a Chinese message and keeps
what the user typed. One module per page group:

- ``overview``: 教代会 home, 督办, the handler's desk;
- ``proposal_list``: the proposal lists and the report's trace links;
- ``proposals``: drafting, editing, the proposal page, co-signing, attachments
  (``proposal_page`` builds the page's context for it and for every action that re-renders it);
- ``review``: 审查 and 交办; ``replies``: 签收, 退回, 答复, 评价, 办结;
- ``exports``: 提案表 print, the session's xlsx, 提案汇编 PDF;
- ``sessions``: sessions, term settings, representatives, categories;
- ``suggestions``: 意见建议; ``motions``: 表决 and 民主评议.
"""

from .disclosure import (
    disclosure_archive,
    disclosure_board,
    disclosure_create,
    disclosure_detail,
    disclosure_file,
    disclosure_withdraw,
    proposal_urge,
)
from .exports import proposal_print, session_compilation, session_export
from .motions import appraisal_create, appraisal_detail, motion_create, motion_detail
from .overview import department_desk, index, supervision
from .proposal_list import proposal_list
from .proposals import (
    attachment_download,
    attachment_upload,
    cosign_respond,
    cosigner_search,
    proposal_create,
    proposal_detail,
    proposal_edit,
    proposal_invite,
    proposal_similar,
    proposal_submit,
)
from .replies import proposal_acknowledge, proposal_close, proposal_rate, proposal_reply, proposal_return
from .review import proposal_assign, proposal_co_reply, proposal_decide
from .sessions import (
    categories,
    congress_settings,
    representatives,
    session_create,
    session_detail,
    session_edit,
    term_create,
)
from .suggestions import suggestion_detail, suggestion_list

__all__ = [
    "disclosure_archive",
    "disclosure_board",
    "disclosure_create",
    "disclosure_detail",
    "disclosure_file",
    "disclosure_withdraw",
    "proposal_urge",
    "appraisal_create",
    "appraisal_detail",
    "attachment_download",
    "attachment_upload",
    "categories",
    "congress_settings",
    "cosign_respond",
    "cosigner_search",
    "department_desk",
    "index",
    "motion_create",
    "motion_detail",
    "proposal_acknowledge",
    "proposal_assign",
    "proposal_close",
    "proposal_co_reply",
    "proposal_create",
    "proposal_decide",
    "proposal_detail",
    "proposal_edit",
    "proposal_invite",
    "proposal_list",
    "proposal_print",
    "proposal_rate",
    "proposal_reply",
    "proposal_return",
    "proposal_similar",
    "proposal_submit",
    "representatives",
    "session_compilation",
    "session_create",
    "session_edit",
    "term_create",
    "session_detail",
    "session_export",
    "suggestion_detail",
    "suggestion_list",
    "supervision",
]
