"""Views of the evaluation, one module per area of work (routes in ``urls_*.py``)."""
