"""Services of the results app (see each module's docstring).

- ``compute``: build a cycle's results with ``kotacerdas.index`` and store a snapshot.
- ``publication``: the lifecycle hooks (results current before publishing; freeze on publishing)
  and republishing.
- ``published``: read access to published results only (pages, exports, the API).
- ``ranking``, ``profile``, ``methodology``, ``maps``: what the public pages show.
- ``exports``: CSV, XLSX and JSON.
- ``cache``: caching of published pages and exports.
- ``progress``: the admin's view of a cycle in progress; ``operator``: a region's own results.
"""
