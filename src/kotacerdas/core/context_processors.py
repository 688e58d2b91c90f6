"""Template context shared by every page: the navigation for the signed-in user's role."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kotacerdas.accounts.predicates import is_admin, is_assessor, is_operator

# (label, url name, predicate over the user). Later apps add their own entries here.
NAVIGATION = [
    (_("Beranda"), "core:home", lambda user: True),
    # "Daerah"/"Masterplan" name a list here: plural in English ("menu" context); "Jadwal sesi"
    # is "Sessions" so that an admin's menu stays on one row at 1280 px in English too.
    (pgettext_lazy("menu", "Daerah"), "regions:list", lambda user: True),
    (_("Siklus evaluasi"), "evaluations:cycle_list", lambda user: is_admin(user)),
    (_("Instrumen"), "instruments:list", lambda user: is_admin(user)),
    (_("Penilaian mandiri"), "evaluations:submission_list", lambda user: is_operator(user)),
    (_("Penugasan saya"), "evaluations:assessor_home", lambda user: is_assessor(user)),
    (_("Moderasi"), "evaluations:moderation_home", lambda user: is_admin(user)),
    (
        pgettext_lazy("menu", "Jadwal sesi"),
        "evaluations:session_list",
        lambda user: is_admin(user) or is_assessor(user) or is_operator(user),
    ),
    (pgettext_lazy("menu", "Masterplan"), "masterplans:national", lambda user: True),
    (_("Hasil"), "results:index", lambda user: True),
    (_("Dasbor hasil"), "results:manage", lambda user: is_admin(user)),
    (_("Hasil daerah saya"), "results:my_results", lambda user: is_operator(user)),
]


def navigation(request):
    """Return the menu entries the current user may see, skipping routes not installed."""
    user = request.user
    items = []
    for label, url_name, visible in NAVIGATION:
        if not visible(user):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
