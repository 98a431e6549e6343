from django.contrib import admin

from .models import AuditEntry, Consent, Department, FamilyMember, ImportBatch, Member, Organization, RoleAssignment


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "path"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "school"]
    list_filter = ["school"]
    search_fields = ["name"]


class FamilyInline(admin.TabularInline):
    model = FamilyMember
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = [
        "staff_no",
        "name",
        "gender",
        "department",
        "organization",
        "employment_type",
        "status",
        "is_union_member",
    ]
    list_filter = ["status", "employment_type", "gender", "is_union_member", "school"]
    search_fields = ["name", "staff_no", "name_initials", "name_pinyin"]
    list_select_related = ["department", "organization"]
    raw_id_fields = ["organization", "department", "user"]
    exclude = ["id_number", "bank_account"]
    inlines = [FamilyInline]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["member", "purpose", "consented_on", "withdrawn_on", "recorded_by"]
    list_filter = ["purpose"]
    raw_id_fields = ["member", "recorded_by"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "department"]
    list_filter = ["role"]
    raw_id_fields = ["user", "organization", "department"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["original_name", "kind", "school", "status", "uploaded_by", "created_at"]
    list_filter = ["kind", "status"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only, even for superusers."""

    list_display = ["at", "username", "action", "object_type", "object_id", "summary", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["username", "summary"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
