"""[deploy] acceptance 1 (compose part): with no Docker engine here, the compose file is checked as
YAML against a schema of the parts of the Compose specification it uses, and against the code: the
services, ports, volumes and every ASSISTANT_* name it and .env.example set are settings the code reads."""

from __future__ import annotations

import re

import jsonschema
import yaml

from tests.conftest import REPO

SERVICE = {
    "type": "object",
    "properties": {
        "image": {"type": "string"},
        "build": {"type": ["string", "object"]},
        "command": {"type": "array", "items": {"type": "string"}},
        "environment": {"type": "object", "additionalProperties": {"type": "string"}},
        "env_file": {"type": ["string", "array"]},
        "ports": {"type": "array", "items": {"type": "string", "pattern": r"^\d+:\d+$"}},
        "volumes": {"type": "array", "items": {"type": "string", "pattern": r"^[\w./-]+:/[\w/]+(:ro)?$"}},
        "depends_on": {"type": "object"},
        "healthcheck": {"type": "object", "required": ["test"]},
        "restart": {"enum": ["no", "always", "on-failure", "unless-stopped"]},
        "profiles": {"type": "array", "items": {"type": "string"}},
        "deploy": {"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1}}},
    },
    "additionalProperties": False,
}
SCHEMA = {
    "type": "object",
    "required": ["services", "volumes"],
    "properties": {
        "name": {"type": "string"},
        "services": {"type": "object", "additionalProperties": SERVICE},
        "volumes": {"type": "object"},
    },
    "patternProperties": {"^x-": {}},
    "additionalProperties": False,
}


def _compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_the_compose_file_is_valid_and_complete() -> None:
    compose = _compose()
    jsonschema.validate(compose, SCHEMA)
    services = compose["services"]
    assert set(services) == {"chroma", "api", "slack", "ingest"}
    chroma = services["chroma"]
    assert chroma["image"].startswith("chromadb/chroma:") and chroma["healthcheck"]["test"]
    assert any(v.startswith("chroma-data:") for v in chroma["volumes"])
    assert services["api"]["ports"] == ["8000:8000"] and services["api"]["command"][:2] == [
        "assistant",
        "serve",
    ]
    assert services["slack"]["command"] == ["assistant", "slack", "--socket"]
    assert services["ingest"]["command"] == ["assistant", "ingest"] and services["ingest"]["restart"] == "no"
    for name in ("api", "slack", "ingest"):
        s = services[name]
        assert s["depends_on"]["chroma"]["condition"] == "service_healthy"
        assert (
            "assistant-data:/data" in s["volumes"] and s["environment"]["ASSISTANT_CHROMA_HOST"] == "chroma"
        )
    assert set(compose["volumes"]) == {"assistant-data", "chroma-data"}


def test_every_variable_set_is_a_setting_the_code_reads() -> None:
    from core.settings import Settings

    known = {f"ASSISTANT_{name.upper()}" for name in Settings.model_fields}
    compose = _compose()
    names = {
        k
        for s in compose["services"].values()
        for k in s.get("environment", {})
        if k.startswith("ASSISTANT_")
    }
    example = (REPO / ".env.example").read_text()
    names |= set(re.findall(r"^(ASSISTANT_\w+)=", example, re.M))
    assert names and names <= known, names - known
    for needed in (
        "ASSISTANT_SLACK_BOT_TOKEN",
        "ASSISTANT_SLACK_APP_TOKEN",
        "ASSISTANT_API_KEYS",
        "ASSISTANT_LLM",
    ):
        assert needed in names


def test_the_dockerfile_installs_cpu_torch_and_the_packaged_model_at_build_time() -> None:
    dockerfile = (REPO / "Dockerfile").read_text()
    assert "torch==2.13.0" in dockerfile and "whl/cpu" in dockerfile
    assert "HF_HUB_OFFLINE=1" in dockerfile and "warm_up()" in dockerfile
    copied = set(re.findall(r"^COPY (\S+)", dockerfile, re.M))
    packages = {p.parent.name for p in REPO.glob("*/__init__.py")} - {"tests"}
    assert packages | {"prompts", "corpus"} <= copied, packages - copied
