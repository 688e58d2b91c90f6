"""Routes for the admin: cycles, transitions, enrolment, returns, evidence and history."""

urlpatterns: list = []
