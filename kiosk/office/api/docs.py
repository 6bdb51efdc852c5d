"""/docs (Swagger UI) and /openapi.json for staff only, with Swagger UI's files served from the
fastapi-offline package: the office's LAN often has no internet, so no CDN."""

from __future__ import annotations

from pathlib import Path as FilePath

import fastapi_offline
from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.openapi.docs import get_swagger_ui_html
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
