"""The kiosk's flows as plain objects, each built by the App with what it needs:

- base: `Kiosk` (the shared parts), `Shell` (the UI port), `Flow`, `print_blocks`
- ticket: take a queue number; catalogue: browse and search procedures
- dossier: consent, the form, submit through the outbox; lookup: a dossier's status
- assist: volunteer assisted mode and help requests; upkeep: heartbeat and catalogue refresh

No flow imports Kivy, a screen or another flow.
"""
