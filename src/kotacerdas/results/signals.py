"""Signals of the results app.

``computation_finished(sender=Computation, computation=..., snapshot=...)`` is sent when a
background computation (``services/computation.py``) has written its snapshot, inside the same
transaction: a receiver's writes are kept or rolled back with the snapshot, and a receiver that
raises makes the computation fail. The appeals app records the effect of accepted items with it,
so the results app never imports the appeals app.
"""

from django.dispatch import Signal

computation_finished = Signal()
