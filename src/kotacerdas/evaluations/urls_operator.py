"""Routes for operators: the self-assessment, answers and evidence."""

urlpatterns: list = []
