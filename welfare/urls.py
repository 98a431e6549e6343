from django.urls import path

from . import views
from .views import exports

app_name = "welfare"

urlpatterns = [
    path("", views.index, name="index"),
    path("events/new/", views.life_event_create, name="event_create"),
    path("pending/<int:pk>/cancel/", views.pending_cancel, name="pending_cancel"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_export, name="ledger_export"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("distributions/", views.distribution_list, name="distributions"),
    path("distributions/new/", views.distribution_create, name="distribution_create"),
    path("distributions/<int:pk>/", views.distribution_detail, name="distribution_detail"),
    path("caps/", views.caps, name="caps"),
    path("occasions/", views.occasions, name="occasions"),
    path("occasions/<int:pk>/toggle/", views.occasion_toggle, name="occasion_toggle"),
    path("compliance/", views.compliance, name="compliance"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("members/<int:pk>/enrollments/", views.member_enrollments, name="member_enrollments"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/advance/", views.claim_advance, name="claim_advance"),
    path("healthchecks/", views.healthcheck_list, name="healthchecks"),
    path("healthchecks/new/", views.healthcheck_create, name="healthcheck_create"),
    path("healthchecks/<int:pk>/", views.healthcheck_detail, name="healthcheck_detail"),
    path("hardship/", views.hardship_list, name="hardship"),
    path("hardship/new/", views.hardship_create, name="hardship_create"),
    path("hardship/<int:pk>/", views.hardship_detail, name="hardship_detail"),
    path("donations/", views.donation_list, name="donations"),
    path("donations/new/", views.drive_create, name="drive_create"),
    path("donations/<int:pk>/", views.drive_detail, name="drive_detail"),
    path("donations/<int:pk>/bulk/", views.drive_bulk, name="drive_bulk"),
    path("services/", views.service_list, name="services"),
    path("services/new/", views.service_create, name="service_create"),
]

# Excel exports and printed sheets (issue 16).
urlpatterns += [
    path("pending/export.xlsx", exports.pending_export, name="pending_export"),
    path("distributions/<int:pk>/export.xlsx", exports.distribution_export, name="distribution_export"),
    path("distributions/<int:pk>/sheet.pdf", exports.distribution_sheet, name="distribution_sheet"),
    path("donations/export.xlsx", exports.donation_export, name="donation_export"),
    path("plans/enrollments.xlsx", exports.enrollment_export, name="enrollment_export"),
    path("plans/claims.xlsx", exports.claim_export, name="claim_export"),
    path("healthchecks/export.xlsx", exports.healthcheck_export, name="healthcheck_export"),
    path("hardship/export.xlsx", exports.hardship_export, name="hardship_export"),
    path("hardship/aid.xlsx", exports.hardship_aid_export, name="hardship_aid_export"),
]
