"""API endpoints, one module per domain area. Each viewset names the `rules` permission of every
action (``rules_permissions``) and calls the owning app's services for every write."""
