"""/docs (Swagger UI) and /openapi.json for staff only, with Swagger UI's files served from the
fastapi-offline package: the office's LAN often has no internet, so no CDN.

The document names the real error body (kiosk/office/api/errors.py) instead of FastAPI's default:
422 has that shape, and every operation's `default` answer is it, as every other error status
(401, 403, 404, 409, 413, 429, 503 ...) answers it too."""

from __future__ import annotations

from pathlib import Path as FilePath

import fastapi_offline
from fastapi import APIRouter, FastAPI, HTTPException, Path, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse

from kiosk.office.api.deps import StaffDep

ASSETS = FilePath(fastapi_offline.__file__).resolve().parent / "static"
_FILES = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"}
router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
def openapi(request: Request, _: StaffDep):
    return JSONResponse(request.app.openapi())


@router.get("/docs")
def docs(_: StaffDep):
    return get_swagger_ui_html(openapi_url="/openapi.json", title="motcua-kiosk office API",
                               swagger_js_url="/docs/assets/swagger-ui-bundle.js",
                               swagger_css_url="/docs/assets/swagger-ui.css",
                               swagger_favicon_url="/docs/assets/favicon.png")


@router.get("/docs/assets/{name}")
def asset(name: str = Path(max_length=40)):
    if name not in _FILES:
        raise HTTPException(404, "no such file")
    return FileResponse(ASSETS / name, headers={"Cache-Control": "max-age=86400"})


ERROR_SCHEMA = {
    "title": "Error", "type": "object", "required": ["detail", "field", "code"],
    "properties": {
        "detail": {"type": "string", "description": "one sentence for a person"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "the field at fault"},
        "code": {"type": "string", "description": "a machine word, e.g. too_many_attempts"},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "422: every invalid field"},
    },
    "additionalProperties": True,
}


def install(app: FastAPI) -> None:
    """Mount /docs and /openapi.json and make the document name the real error body."""
    def openapi() -> dict:
        if app.openapi_schema is None:
            spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            schemas["Error"] = ERROR_SCHEMA
            for name in ("HTTPValidationError", "ValidationError"):
                schemas.pop(name, None)
            error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for ops in spec.get("paths", {}).values():
                for op in ops.values():
                    responses = op.setdefault("responses", {})
                    for status, answer in responses.items():
                        if status == "422" or (status >= "400" and not answer.get("content")):
                            answer.update(error)
                    responses["default"] = {"description": "an error (see the code)", **error}
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi
    app.include_router(router)
