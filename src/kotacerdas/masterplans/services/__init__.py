"""Every change to a masterplan goes through these modules; views, the importer and the demo
only call them.

``editing`` (masterplans, programmes, budgets, KPIs, quick wins), ``evidence`` (documents and
programme evidence), ``history`` (the audit trail), ``dashboard`` (figures for the region and the
nation), ``catalogue`` (search across regions), ``xlsx`` (template, export, import) and
``citations`` (programmes cited in a self-assessment). Import the module you need; this package
imports nothing itself.
"""
