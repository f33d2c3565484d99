"""The snapshot builder: `python -m data_sources build-snapshot ../shared/data` turns the
real files in ../shared/data into data_sources/snapshot/, one module per theme, keeping
each file's provenance and licence.

May import: `data_sources.model`, `data_sources.store`. Run offline; never the UI.
"""
