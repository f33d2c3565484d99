"""The model: registries, periods, units, the tidy row schema, comparability, targets and
events — rules as data and pure functions. It reads only files shipped with the package
(the registry TOML files, the snapshot's copied context files); no network, no live store.

May import: the standard library, pandas and Babel, and itself. Everything else in the
project may import it.
"""
