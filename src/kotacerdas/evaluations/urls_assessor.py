"""Routes for assessors and moderation: workspace, scores, sessions, moderation queue."""

urlpatterns: list = []
