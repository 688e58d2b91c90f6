"""Views of the masterplan area, one module per kind of page (see urls.py)."""
