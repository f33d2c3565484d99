"""The store: the series files and their sidecars (`files`), the live side in Redis
(`redis_live`), the one cache helper (`cache`: shared bytes and the in-process
latest-version memo), and the history import (`history`). All disk and Redis I/O is here.

May import: `data_sources.model`, `data_sources.settings`. Never the adapters or the UI.
"""
