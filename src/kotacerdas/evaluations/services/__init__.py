"""Every state transition and lock of the evaluation, one module per area of work.

Operator and cycle side: ``lifecycle`` (the cycle's states), ``enrolment``, ``locks`` (when a
region's self-assessment may change), ``answers`` (autosave with optimistic locking),
``submissions`` (submit, return, progress), ``extensions`` (one region's later deadline),
``evidence``, ``history`` (the audit trail) and
``notifications`` (email). Assessor side: ``assignments``, ``scoring``, ``sessions``,
``moderation``. Import the module you need (``from kotacerdas.evaluations.services import
lifecycle``); this package imports nothing itself, so each module loads only what it uses.
"""
