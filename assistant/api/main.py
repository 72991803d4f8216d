"""`uvicorn assistant.api.main:app`: the app built from the environment's settings (for workers and Docker)."""

from __future__ import annotations

from assistant.api.app import create_app
from core.settings import Settings

app = create_app(Settings())
