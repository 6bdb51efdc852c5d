"""Browser pages of the office service: staff console (/counter, /admin), lobby board (/board),
public ticket page (/t/{token}). Their JSON comes from kiosk.office's /api routes."""

from fastapi import APIRouter

router = APIRouter()
