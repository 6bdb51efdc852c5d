"""HTTP routes of the office service (JSON under /api)."""
