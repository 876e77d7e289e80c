from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from jiesu.org.models import Campus, Hotline, Membership, Unit, User


@admin.register(Campus)
class CampusAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "sort_order"]


class HotlineInline(admin.TabularInline):
    model = Hotline
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent", "is_active", "sort_order"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    inlines = [HotlineInline, MembershipInline]


class UserMembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "kind", "number", "campus", "is_active"]
    list_filter = ["kind", "campus", "is_active", "memberships__role"]
    search_fields = ["username", "full_name", "number", "phone", "email"]
    inlines = [UserMembershipInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Requester profile"), {"fields": ("full_name", "kind", "number", "campus", "phone")}),
    )
