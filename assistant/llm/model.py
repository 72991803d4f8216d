"""Building the chat model named by ASSISTANT_LLM, and telling a provider failure from a bug."""

from __future__ import annotations

from typing import Any

from core.errors import ConfigError
from core.settings import Settings, secret_value


class LLMUnavailable(Exception):
    """The model could not answer (timeout, rate limit, provider error): the offline composer answers."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def chat_model(settings: Settings):
    """`provider:model` (openai:gpt-4o-mini, azure_openai:…, ollama:llama3.1) through LangChain's
    `init_chat_model`, or the base URL of any OpenAI-compatible server (vLLM, llama.cpp, LiteLLM)."""
    spec = (settings.llm or "").strip()
    if not spec:
        raise ConfigError("ASSISTANT_LLM is not set")
    from langchain.chat_models import init_chat_model

    common: dict[str, Any] = {
        "temperature": 0,
        "timeout": settings.llm_timeout_s,
        "max_retries": settings.llm_max_retries,
    }
    key = secret_value(settings.llm_api_key)
    try:
        if spec.startswith(("http://", "https://")):
            return init_chat_model(
                settings.llm_model, model_provider="openai", base_url=spec, api_key=key or "unused", **common
            )
        provider, sep, model = spec.partition(":")
        if not sep or not provider or not model:
            raise ConfigError(
                f"ASSISTANT_LLM={spec!r} is not provider:model (e.g. openai:gpt-4o-mini) or a base URL"
            )
        if key:
            common["api_key"] = key
        return init_chat_model(model, model_provider=provider, **common)
    except ImportError as exc:
        raise ConfigError(f"ASSISTANT_LLM={spec!r} needs a LangChain provider package: {exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"ASSISTANT_LLM={spec!r}: {exc}") from exc


def reason_for(exc: BaseException) -> str:
    """A short, user-safe name for a provider failure: the details go to the log."""
    name = type(exc).__name__.lower()
    status = getattr(exc, "status_code", None) or getattr(getattr(exc, "response", None), "status_code", None)
    if "timeout" in name or isinstance(exc, TimeoutError):
        return "timeout"
    if "ratelimit" in name or status == 429:
        return "rate limit"
    if "connection" in name:
        return "provider unreachable"
    return "provider error"
