"""Signed citation links: one page of one document, readable without an API key until it expires.

A citation chip opens in a new browser tab and a Slack reader clicks a link; neither can send an
Authorization header, so a link to a document that not every caller may read carries a token. The
token is an HMAC-SHA256, under a server secret, over the document id, the page and the expiry time.
It grants that page (its image, its highlighted quote, and the PDF it is part of) to whoever holds
the link until it expires. Doors mint tokens only in answers given to a caller who may read the
document, so a link never reaches further than its first reader could.

The secret is `ASSISTANT_LINK_SECRET`; unset, a random one is made once per process (documented in
the README: links then die on restart and fail on other replicas).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from assistant.highlight import ELLIPSIS
from assistant.models import Answer, Citation
from core.errors import Forbidden
from core.settings import Settings, secret_value

# Made once per process when no secret is configured; see the module docstring.
_PROCESS_SECRET = secrets.token_bytes(32)
_SIG_BYTES = 32  # the whole SHA-256: a link is long anyway, and a shorter MAC buys nothing
API_PREFIX = "/v1/documents"
# Quotes longer than this go into a link as opening and closing words around an ellipsis.
LINK_QUOTE_CHARS = 120
LINK_QUOTE_HEAD = 60
LINK_QUOTE_TAIL = 40


class LinkRefused(Forbidden):
    """A link's token is wrong, for another page, or expired: 403, never a hint whether the
    document exists (the token is checked before the document is looked up)."""

    code = "link_refused"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class LinkSigner:
    """Makes and checks tokens of the form `<expiry, unix seconds>.<base64url HMAC>`."""

    def __init__(self, secret: bytes, ttl_seconds: int, clock: Callable[[], float] = time.time) -> None:
        self._secret = secret
        self.ttl_seconds = ttl_seconds
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkSigner:
        configured = secret_value(settings.link_secret)
        secret = configured.encode() if configured else _PROCESS_SECRET
        return cls(secret, settings.link_ttl_seconds)

    def _mac(self, doc_id: str, page: int, expires: int) -> str:
        message = f"{doc_id}\x00{page}\x00{expires}".encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest()[:_SIG_BYTES])

    def token(self, doc_id: str, page: int, expires: int | None = None) -> str:
        """A token for `page` of `doc_id`, valid until `expires` (default: now plus the lifetime)."""
        if expires is None:
            expires = int(self._clock()) + self.ttl_seconds
        return f"{expires}.{self._mac(doc_id, page, expires)}"

    def check(self, doc_id: str, page: int, token: str) -> None:
        """Raise LinkRefused unless `token` was made here for this page and has not expired."""
        expires_text, _, mac = token.partition(".")
        if not expires_text.isdigit() or not mac:
            raise LinkRefused("This link is not valid. Ask the question again for a fresh link.")
        expected = self._mac(doc_id, page, int(expires_text))
        if not hmac.compare_digest(mac.encode(), expected.encode()):
            raise LinkRefused("This link is not valid. Ask the question again for a fresh link.")
        if int(expires_text) < self._clock():
            raise LinkRefused("This link has expired. Ask the question again for a fresh link.")


def document_path(doc_id: str) -> str:
    return f"{API_PREFIX}/{quote(doc_id, safe='')}"


@dataclass(frozen=True)
class Links:
    """How a door writes the links of its citations: signed where the reader's browser would
    otherwise be refused, plain where anyone may open them."""

    signer: LinkSigner
    audience_of: Callable[[str], str | None]  # a document's audience; None when it is not indexed
    anyone_reads_public: bool  # False when the API refuses callers without a key

    @classmethod
    def of(cls, settings: Settings, audience_of: Callable[[str], str | None]) -> Links:
        anonymous_refused = bool(settings.api_keys) and not settings.allow_anonymous
        return cls(LinkSigner.from_settings(settings), audience_of, not anonymous_refused)

    def token(self, doc_id: str, page: int) -> str | None:
        """A token for the page, or None where a browser without a key may open it anyway."""
        audience = self.audience_of(doc_id)
        if audience is None or (audience == "public" and self.anyone_reads_public):
            return None
        return self.signer.token(doc_id, page)

    def pdf(self, doc_id: str, page: int, token: str | None) -> str:
        """The PDF opened at the page; the token (and the page it is for) in the query."""
        query = f"?{urlencode({'page': page, 'token': token})}" if token else ""
        return f"{document_path(doc_id)}/file{query}#page={page}"

    def citation(self, c: Citation) -> Citation:
        """The citation with a signed PDF link where its document needs one. A document that needs a
        token is linked here, never at a council's public copy (it should not have one)."""
        token = self.token(c.doc_id, c.page)
        if token is None:
            return c
        return c.model_copy(update={"url": self.pdf(c.doc_id, c.page, token)})

    def answer(self, answer: Answer) -> Answer:
        """The answer with each citation's link signed as needed; the stored answer is unchanged."""
        if not answer.citations:
            return answer
        return answer.model_copy(update={"citations": [self.citation(c) for c in answer.citations]})


def link_quote(text: str) -> str:
    """A long quote travels in a link as its opening and closing words around an ellipsis, which
    the highlight view reads as "from here to there" (assistant.highlight): links stay short enough
    for Slack's text limits and for any browser."""
    if len(text) <= LINK_QUOTE_CHARS:
        return text
    head = text[:LINK_QUOTE_HEAD].rsplit(" ", 1)[0]
    tail = text[-LINK_QUOTE_TAIL:].split(" ", 1)[-1]
    return f"{head}{ELLIPSIS}{tail}"


def view_path(doc_id: str, page: int, quote_text: str, token: str | None) -> str:
    """The page as an image with the quote highlighted (assistant.api.routes.pages)."""
    params = {"quote": link_quote(quote_text), **({"token": token} if token else {})}
    return f"{document_path(doc_id)}/pages/{page}/view?{urlencode(params)}"


def view_of(c: Citation) -> str:
    """The highlight view of a citation, carrying the token of its link (signed by `Links.answer`)."""
    return view_path(c.doc_id, c.page, c.quote, token_in(c.url))


def token_in(url: str) -> str | None:
    """The token a link of ours carries, if any."""
    values = parse_qs(urlsplit(url).query).get("token")
    return values[0] if values else None
