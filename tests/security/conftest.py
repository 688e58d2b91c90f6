import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _two_factor_enforced(settings):
    """The suite turns enforcement off for other tests (tests/conftest.py); here it is on."""
    settings.KOTACERDAS_TWO_FACTOR_ENFORCED = True
    settings.DEMO_MODE = False
    # django-otp's per-device slow-down is tested on its own (test_a_wrong_code_slows_down_...);
    # elsewhere it is off so a right code may follow a wrong one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    cache.clear()
