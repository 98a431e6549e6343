from django.contrib import admin

from .models import (
    Appraisal,
    AppraisalResult,
    Congress,
    CongressSession,
    CoSignature,
    Delegation,
    Motion,
    MotionClause,
    Proposal,
    ProposalCategory,
    ProposalReply,
    ProposalTransition,
    Representative,
    Suggestion,
    VoteTally,
)


class SessionInline(admin.TabularInline):
    model = CongressSession
    extra = 0


@admin.register(Congress)
class CongressAdmin(admin.ModelAdmin):
    list_display = ["__str__", "school", "start_date", "end_date", "min_cosigners", "pass_base"]
    inlines = [SessionInline]


@admin.register(Representative)
class RepresentativeAdmin(admin.ModelAdmin):
    list_display = ["member", "congress", "delegation", "kind"]
    list_filter = ["kind", "congress"]
    raw_id_fields = ["member"]


class TransitionInline(admin.TabularInline):
    model = ProposalTransition
    extra = 0
    readonly_fields = ["from_status", "to_status", "action", "actor", "at", "note", "round"]
    can_delete = False


class CoSignatureInline(admin.TabularInline):
    model = CoSignature
    extra = 0
    raw_id_fields = ["representative"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "session", "status", "lead_department", "deadline", "rating"]
    list_filter = ["status", "session"]
    search_fields = ["title", "number"]
    raw_id_fields = ["proposer", "merged_into"]
    inlines = [CoSignatureInline, TransitionInline]


class ClauseInline(admin.TabularInline):
    model = MotionClause
    extra = 0


@admin.register(Motion)
class MotionAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "voted_on"]
    inlines = [ClauseInline]


class ResultInline(admin.TabularInline):
    model = AppraisalResult
    extra = 0


@admin.register(Appraisal)
class AppraisalAdmin(admin.ModelAdmin):
    list_display = ["title", "session", "ballots"]
    inlines = [ResultInline]


admin.site.register([Delegation, ProposalCategory, ProposalReply, Suggestion, VoteTally])
