from django.contrib import admin

from .models import (
    AidClaim,
    DonationDrive,
    FestivalDistribution,
    HardshipCase,
    HealthCheckCampaign,
    MutualAidPlan,
    PendingVisit,
    ServiceRecord,
    SpendingCap,
    SpendingCapRuleSet,
    VisitOccasion,
    WelfareVisit,
)


@admin.register(VisitOccasion)
class VisitOccasionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "school",
        "is_mandatory",
        "is_sensitive",
        "concerns_relative",
        "is_active",
        "sort_order",
    ]
    list_editable = ["is_mandatory", "is_sensitive", "is_active", "sort_order"]
    list_filter = ["school", "is_mandatory", "is_sensitive"]


@admin.register(WelfareVisit)
class WelfareVisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "member", "occasion", "cash_amount", "gift_value", "funding_source"]
    list_filter = ["occasion", "funding_source"]
    raw_id_fields = ["member", "family_member", "visitors", "recorded_by"]
    date_hierarchy = "visited_on"


class CapInline(admin.TabularInline):
    model = SpendingCap
    extra = 0


@admin.register(SpendingCapRuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "effective_from", "festival_yearly_cap", "birthday_cap"]
    inlines = [CapInline]


for model in (
    PendingVisit,
    FestivalDistribution,
    MutualAidPlan,
    AidClaim,
    HealthCheckCampaign,
    HardshipCase,
    DonationDrive,
    ServiceRecord,
):
    admin.site.register(model, type(f"{model.__name__}Admin", (admin.ModelAdmin,), {"list_per_page": 50}))
