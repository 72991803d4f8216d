"""The HTTP API: FastAPI routes that translate HTTP to `Assistant.ask()` and back."""
