"""The office service: the ward's queue, dossiers and volunteers behind one HTTP API.

Layers, each importing only those below it:

- `api/`: HTTP routes, who-is-calling dependencies, response models, the JSON error shape;
- `web/`: the browser pages (staff console, lobby board, citizen and volunteer pages);
- `operations/`: the domain operations (ticket lifecycle, dossiers, catalogue, volunteers, help
  requests, set-up) inside one transaction each;
- `storage/`: engines and transactions, models, migrations, the cross-process event log.

Beside them: `service.Office` (settings + database + clock + event hub, the transaction owner),
`app.create_app`, `settings`, `errors`, `speech`, the hand-off to the province (`connectors`: http
and folder; `delivery`: the worker sending operations/handoff.py's outbox), and the entry points
`serve` (`kiosk serve`), `embedded` (inside the kiosk process) and `admin_cli` (`kiosk office ...`).
"""
