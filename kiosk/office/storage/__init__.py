"""Storage layer of the office: the engines and transactions (db), the models, the Alembic
migrations and the event log that carries changes to every worker process (events).

Nothing here knows the queue or dossier rules; operations/ builds on it.
"""
