"""`kiosk serve` with chosen OfficeSettings (tests of the limits): one uvicorn worker, the same
uvicorn options as `kiosk serve` (kiosk.office.serve.uvicorn_options).

    python office_limits_server.py PORT '{"database_url": ..., "max_event_streams": ...}'
"""

import sys

import uvicorn

from kiosk.office.app import create_app
from kiosk.office.serve import prepare_database, raise_file_limit, uvicorn_options
from kiosk.office.settings import OfficeSettings

if __name__ == "__main__":
    settings = OfficeSettings.model_validate_json(sys.argv[2])
    prepare_database(settings)
    raise_file_limit()
    app = create_app(settings.model_copy(update={"migrate": False, "demo": False}))
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", **uvicorn_options(settings))
