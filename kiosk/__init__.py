"""motcua-kiosk: self-service kiosk for a Vietnamese ward's one-stop reception department."""

__version__ = "0.1.0"
