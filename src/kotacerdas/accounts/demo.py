"""Demo accounts, made by `kotacerdas demo` only (never by a migration)."""

from django.db import transaction

from kotacerdas.regions.models import Region

from .models import User
from .roles import Role

DEMO_PASSWORD = "demo"  # noqa: S105 - documented demo password, demo command only

DEMO_USERS = [
    # username, role, region code, full name, institution
    ("admin", Role.ADMIN, None, "Admin Kementerian", "Ditjen Aptika, Komdigi"),
    ("asesor1", Role.ASSESSOR, None, "Asesor Satu", "Universitas Indonesia"),
    ("asesor2", Role.ASSESSOR, None, "Asesor Dua", "Universitas Gadjah Mada"),
    ("operator.jambi", Role.OPERATOR, "15.71", "Operator Kota Jambi", "Diskominfo Kota Jambi"),
    # Kota Semarang drafts its self-assessment in the demo's open cycle (evaluations/demo_open.py).
    (
        "operator.semarang",
        Role.OPERATOR,
        "33.74",
        "Operator Kota Semarang",
        "Diskominfo Kota Semarang",
    ),
]


@transaction.atomic
def load() -> list[tuple[str, str]]:
    """Create or reset the demo accounts; return (username, description) for printing.

    Guarantees: idempotent; each account ends with the password ``demo`` and its documented role.
    """
    lines = []
    for username, role, region_code, full_name, institution in DEMO_USERS:
        region = Region.objects.get(code=region_code) if region_code else None
        first, _, last = full_name.partition(" ")
        user, _created = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "region": region,
                "first_name": first,
                "last_name": last,
                "institution": institution,
                "email": f"{username}@demo.kotacerdas.local",
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        where = f" ({region.name})" if region else ""
        lines.append((username, f"{Role(role).label}{where}"))
    return lines
