"""Importers of the welfare app's historical lists (one module per kind, registered with
``union_portal.lib.record_imports.register``; the package is discovered automatically)."""
