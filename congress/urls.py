from django.urls import path

from . import views
from .views import exports, overview

app_name = "congress"

urlpatterns = [
    path("", views.index, name="index"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/new/", views.proposal_create, name="proposal_create"),
    path("proposals/similar/", views.proposal_similar, name="proposal_similar"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/submit/", views.proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/invite/", views.proposal_invite, name="proposal_invite"),
    path("proposals/<int:pk>/cosigners/search/", views.cosigner_search, name="cosigner_search"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/assign/", views.proposal_assign, name="proposal_assign"),
    path("proposals/<int:pk>/acknowledge/", views.proposal_acknowledge, name="proposal_acknowledge"),
    path("proposals/<int:pk>/return/", views.proposal_return, name="proposal_return"),
    path("proposals/<int:pk>/reply/", views.proposal_reply, name="proposal_reply"),
    path("proposals/<int:pk>/co-reply/", views.proposal_co_reply, name="proposal_co_reply"),
    path("proposals/<int:pk>/rate/", views.proposal_rate, name="proposal_rate"),
    path("proposals/<int:pk>/close/", views.proposal_close, name="proposal_close"),
    path("proposals/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("proposals/<int:pk>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path("proposals/<int:pk>/print/", views.proposal_print, name="proposal_print"),
    path("cosignatures/<int:pk>/", views.cosign_respond, name="cosign_respond"),
    path("supervision/", views.supervision, name="supervision"),
    path("department/", views.department_desk, name="department_desk"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/export.xlsx", views.session_export, name="session_export"),
    path("sessions/<int:pk>/compilation.pdf", views.session_compilation, name="session_compilation"),
    path("sessions/<int:session_pk>/motions/new/", views.motion_create, name="motion_create"),
    path("sessions/<int:session_pk>/appraisals/new/", views.appraisal_create, name="appraisal_create"),
    path("motions/<int:pk>/", views.motion_detail, name="motion_detail"),
    path("appraisals/<int:pk>/", views.appraisal_detail, name="appraisal_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("terms/new/", views.term_create, name="term_create"),
    path("terms/<int:pk>/representatives/", views.representatives, name="representatives"),
    path("terms/<int:pk>/settings/", views.congress_settings, name="congress_settings"),
    path("terms/<int:congress_pk>/sessions/new/", views.session_create, name="session_create"),
    path("categories/", views.categories, name="categories"),
    path("suggestions/", views.suggestion_list, name="suggestion_list"),
    path("suggestions/<int:pk>/", views.suggestion_detail, name="suggestion_detail"),
    path("proposals/<int:pk>/urge/", views.proposal_urge, name="proposal_urge"),
    path("disclosure/", views.disclosure_board, name="disclosure_board"),
    path("disclosure/archive/", views.disclosure_archive, name="disclosure_archive"),
    path("disclosure/new/", views.disclosure_create, name="disclosure_create"),
    path("disclosure/<int:pk>/", views.disclosure_detail, name="disclosure_detail"),
    path("disclosure/<int:pk>/file/", views.disclosure_file, name="disclosure_file"),
    path("disclosure/<int:pk>/withdraw/", views.disclosure_withdraw, name="disclosure_withdraw"),
]

# Excel exports and printed sheets (issue 16).
urlpatterns += [
    path("supervision/export.xlsx", overview.supervision_export, name="supervision_export"),
    path("sessions/<int:pk>/roster.pdf", exports.session_roster, name="session_roster"),
]
