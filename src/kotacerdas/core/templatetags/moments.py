"""``{{ moment|wib }}``, ``{{ moment|wib:"short" }}``, ``{{ moment|wib:"day" }}``: a moment on
Jakarta's clock in the active language, followed by "WIB" (``kotacerdas.core.moments``)."""

from __future__ import annotations

from datetime import datetime

from django import template

from kotacerdas.core import moments

register = template.Library()


@register.filter
def wib(value, form: moments.Form = "long") -> str:
    """Nothing for an empty value (so ``|default:"—"`` applies), else ``moments.wib``."""
    if not isinstance(value, datetime):
        return ""
    return moments.wib(value, form)
