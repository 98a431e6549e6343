"""The congress area's importers of historical records (the 提案汇总表), on ``union_portal.lib.record_imports``."""
