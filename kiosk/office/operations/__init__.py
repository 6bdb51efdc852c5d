"""Domain operations of the office: what happens to tickets, dossiers, volunteers, help requests
and the office's own set-up, on the database.

Each session-level function runs inside the caller's write transaction (the `Office` or a route
opens it), checks the rules under row locks, writes the change, its audit entry (context.audit)
and its event. Plain rules without SQL live in queue_rules and in kiosk.domain.
"""
