"""Django admin for the outbox: read-only. Emails are written by the services that announce a
change and moved by ``core.outbox``; admins retry them on the outbox page (``core:outbox``)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kotacerdas.accounts.predicates import is_admin

from .models import OutgoingEmail


class AdminsReadOnly:
    """A ModelAdmin mixin: ministry admins may browse and read; nobody adds, changes or deletes
    (changes go through the services, which check states and record who did it)."""

    def has_module_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(AdminsReadOnly, admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipients", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["subject", "recipients", "kind"]
    exclude = ["attachments"]
    readonly_fields = ["outbox_page"]
    date_hierarchy = "created_at"

    @admin.display(description=_("halaman surel keluar"))
    def outbox_page(self, obj: OutgoingEmail) -> str:
        url = reverse("core:outbox_detail", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Lihat dan kirim ulang"))
