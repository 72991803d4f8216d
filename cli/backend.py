"""Where the CLI's questions go: the assistant in this process (the default), or a running server.

Loading the model and the index in-process takes seconds (tens of seconds on a busy machine); a
server has them loaded already, so `ASSISTANT_URL` (or `--url`) sends `ask`, `chat`, `targets`,
`decisions` and `documents` to it over HTTP and the answer comes back in well under a second. Both
backends return the same typed records, parsed with the API's own models, so the commands print
them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import httpx

    from assistant.models import Answer, Filters
    from assistant.service import Assistant
    from assistant.tools.decisions import DecisionFilter, ListedDecision
    from assistant.tools.targets import ListedTarget
    from core.records import Document
    from core.settings import Settings

# Seconds to wait for a server's answer: a cold server may still be loading its model.
HTTP_TIMEOUT_S = 60.0


class BackendError(Exception):
    """A failure to report in one line and exit non-zero: no index, an unreachable server, a refusal."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Backend(Protocol):
    @property
    def where(self) -> str:
        """For headings: the data folder or the server's address."""
        ...

    def warm_up(self) -> None: ...

    def ask(self, question: str, conversation_id: str | None, filters: Filters | None) -> Answer: ...

    def documents(self) -> list[Document]: ...

    def targets(self, council: str | None, programme: str | None) -> list[ListedTarget]: ...

    def decisions(self, which: DecisionFilter) -> list[ListedDecision]: ...


@dataclass
class Local:
    """The index under the data folder, read in this process with the operator's role."""

    settings: Settings
    _assistant: Assistant | None = field(default=None, init=False, repr=False)

    @property
    def where(self) -> str:
        return str(self.settings.data_dir)

    def _catalog(self):
        from index.catalog import Catalog

        if not self.settings.catalog_path.exists():
            raise BackendError(f"no index in {self.settings.data_dir}; run `assistant ingest` first")
        return Catalog(self.settings.catalog_path)

    def _audiences(self) -> frozenset[str]:
        from core.settings import ROLE_AUDIENCES

        return ROLE_AUDIENCES[self.settings.cli_role]

    def warm_up(self) -> None:
        """Load the model and the index (seconds): `chat` says so first."""
        from assistant.service import Assistant
        from core.errors import AssistantError

        if self._assistant is not None:
            return
        self._catalog()
        try:
            assistant = Assistant.from_settings(self.settings)
            assistant.warm_up()
        except AssistantError as exc:
            raise BackendError(exc.message) from exc
        self._assistant = assistant

    def ask(self, question: str, conversation_id: str | None, filters: Filters | None) -> Answer:
        from core.errors import AssistantError

        self.warm_up()
        assert self._assistant is not None
        try:
            return self._assistant.ask(
                question, conversation_id=conversation_id, filters=filters, role=self.settings.cli_role
            )
        except AssistantError as exc:
            raise BackendError(exc.message) from exc

    def documents(self) -> list[Document]:
        return self._catalog().documents()

    def targets(self, council: str | None, programme: str | None) -> list[ListedTarget]:
        from assistant.tools.targets import list_targets

        return list_targets(self._catalog(), council, programme, self._audiences())

    def decisions(self, which: DecisionFilter) -> list[ListedDecision]:
        from assistant.tools.decisions import list_decisions

        return list_decisions(self._catalog(), which, self._audiences())


@dataclass
class Remote:
    """A running API (`assistant serve`), asked with the caller's key; its role decides what it shows."""

    url: str
    api_key: str | None = None
    timeout: float = HTTP_TIMEOUT_S
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    @property
    def where(self) -> str:
        return self.url

    def warm_up(self) -> None:
        """Nothing to load: the server has its model; a first request finds out whether it answers."""

    def _get_client(self) -> httpx.Client:
        import httpx

        if self._client is None:
            headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
            self._client = httpx.Client(base_url=self.url.rstrip("/"), headers=headers, timeout=self.timeout)
        return self._client

    def _call(self, method: str, path: str, **kwargs) -> object:
        import httpx

        try:
            response = self._get_client().request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise BackendError(
                f"cannot reach the server at {self.url} ({exc.__class__.__name__}: {exc}); "
                "is `assistant serve` running there? (ASSISTANT_URL or --url)"
            ) from exc
        if response.status_code >= 400:
            raise BackendError(
                f"the server at {self.url} answered {response.status_code}: {_message(response)}"
            )
        return response.json()

    def ask(self, question: str, conversation_id: str | None, filters: Filters | None) -> Answer:
        from assistant.models import Answer

        body = {
            "question": question,
            "conversation_id": conversation_id,
            "filters": filters.model_dump(exclude_none=True) if filters is not None else None,
        }
        return Answer.model_validate(self._call("POST", "/v1/ask", json=body))

    def documents(self) -> list[Document]:
        from core.records import Document

        return [Document.from_dict(d) for d in _records(self._call("GET", "/v1/documents"))]

    def targets(self, council: str | None, programme: str | None) -> list[ListedTarget]:
        from assistant.tools.targets import ListedTarget
        from core.records import Document, Target

        params = {k: v for k, v in (("council", council), ("programme", programme)) if v}
        out = []
        for row in _records(self._call("GET", "/v1/targets", params=params)):
            doc = Document(doc_id=row["doc_id"], file=row["file"], title=row["title"], date=row.get("date"))
            out.append(ListedTarget(Target.from_dict(row), doc))
        return out

    def decisions(self, which: DecisionFilter) -> list[ListedDecision]:
        from assistant.tools.decisions import ListedDecision
        from core.records import Decision, Document

        params = {
            "committee": which.committee,
            "since": which.since.isoformat() if which.since else None,
            "until": which.until.isoformat() if which.until else None,
            "search": which.search,
        }
        out = []
        for row in _records(
            self._call("GET", "/v1/decisions", params={k: v for k, v in params.items() if v})
        ):
            doc = Document(doc_id=row["doc_id"], file=row["file"], title=row["title"])
            out.append(ListedDecision(Decision.from_dict(row), doc))
        return out


def _records(body: object) -> list[dict]:
    if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
        raise BackendError("the server's reply is not a list of records; is the URL an assistant API?")
    return body


def _message(response: httpx.Response) -> str:
    """The error body's message (the API's one error shape), else the start of the body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and "message" in error:
        return str(error["message"])
    return str(body)[:200]


def backend(settings: Settings, url: str | None, api_key: str | None) -> Backend:
    """The server named by --url or ASSISTANT_URL, else the index in this process."""
    from core.settings import secret_value

    address = url or settings.url
    if address:
        return Remote(address, api_key or secret_value(settings.api_key))
    return Local(settings)
