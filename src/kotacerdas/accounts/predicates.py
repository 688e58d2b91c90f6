"""Who a user is, written once as `rules` predicates.

Every permission in the platform (views, Django admin, API) is composed from these. They import no
models, so any app's models may use them in ``Meta.rules_permissions``.
"""

import rules

from .roles import Role


@rules.predicate
def is_admin(user) -> bool:
    """A ministry admin (or a Django superuser)."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == Role.ADMIN))


@rules.predicate
def is_assessor(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.ASSESSOR)


@rules.predicate
def is_operator(user) -> bool:
    return bool(
        user and user.is_authenticated and user.role == Role.OPERATOR and user.region_id is not None
    )


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated)


def region_id_of(target) -> int | None:
    """The region primary key of a Region or of anything with a ``region_id`` (None if neither)."""
    if target is None:
        return None
    if hasattr(target, "region_id"):
        return target.region_id
    if getattr(target, "_meta", None) is not None and target._meta.label == "regions.Region":
        return target.pk
    return None


@rules.predicate
def is_operator_of(user, target) -> bool:
    """An operator acting on its own region: ``target`` is that Region or an object of it."""
    return bool(is_operator(user) and target is not None and region_id_of(target) == user.region_id)
