"""The roles of the product (../shared/docs/product.md, "Users and their jobs").

The public role is the anonymous visitor: it has no account and no entry here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin kementerian")
    ASSESSOR = "assessor", _("Asesor")
    OPERATOR = "operator", _("Operator Pemda")
