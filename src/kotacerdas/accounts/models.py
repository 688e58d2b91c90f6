"""Accounts: one user model for every role."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rules.contrib.models import RulesModelBase, RulesModelMixin
from simple_history.models import HistoricalRecords

from .predicates import is_admin
from .roles import Role


class User(RulesModelMixin, AbstractUser, metaclass=RulesModelBase):
    """A person who signs in: a ministry admin, an assessor, or a Pemda operator.

    An operator is bound to exactly one region; admins and assessors to none (a database
    constraint guarantees it). The public has no account.
    """

    role = models.CharField(_("peran"), max_length=10, choices=Role.choices, default=Role.ASSESSOR)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("daerah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operators",
        help_text=_("Hanya untuk operator Pemda: daerah yang dikelolanya."),
    )
    institution = models.CharField(_("instansi"), max_length=200, blank=True)
    language = models.CharField(
        _("bahasa"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Bahasa halaman (sejak pengguna masuk) dan email yang dikirim kepadanya."),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = pgettext_lazy("jamak", "pengguna")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(role=Role.OPERATOR, region__isnull=False)
                    | (~models.Q(role=Role.OPERATOR) & models.Q(region__isnull=True))
                ),
                name="user_operator_has_exactly_one_region",
            )
        ]
        rules_permissions = {
            "view": is_admin,
            "add": is_admin,
            "change": is_admin,
            "delete": is_admin,
        }

    def clean(self):
        super().clean()
        if self.role == Role.OPERATOR and self.region_id is None:
            raise ValidationError({"region": _("Operator harus terikat pada satu daerah.")})
        if self.role != Role.OPERATOR and self.region_id is not None:
            raise ValidationError({"region": _("Hanya operator yang terikat pada daerah.")})

    def save(self, *args, **kwargs):
        # Ministry admins work in the Django admin too; nobody else does.
        self.is_staff = self.is_superuser or self.role == Role.ADMIN
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
