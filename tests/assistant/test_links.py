"""Signed citation links: a token opens one page of one document until it expires, and nothing else."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from assistant.links import LinkRefused, Links, LinkSigner, token_in, view_of
from assistant.models import Answer, Citation
from core.settings import Settings

pytestmark = pytest.mark.unit

SECRET = b"s" * 32
NOW = 1_800_000_000.0  # a fixed clock: tests never read the wall clock


def _signer(secret: bytes = SECRET, ttl: int = 60) -> LinkSigner:
    return LinkSigner(secret, ttl, clock=lambda: NOW)


def _citation(doc_id: str, page: int = 3, url: str | None = None) -> Citation:
    return Citation(
        marker=1,
        doc_id=doc_id,
        file=f"{doc_id}.pdf",
        title="A paper",
        date="2019",
        page=page,
        section=None,
        quote="Total Efficiency Target by 2010-11 42,710",
        url=url or f"/v1/documents/{doc_id}/file#page={page}",
    )


def test_a_token_opens_its_page_until_it_expires() -> None:
    signer = _signer()
    token = signer.token("plan", 3)
    signer.check("plan", 3, token)
    assert token.split(".")[0] == str(int(NOW) + 60)
    expired = signer.token("plan", 3, expires=int(NOW) - 1)
    with pytest.raises(LinkRefused, match="expired"):
        signer.check("plan", 3, expired)


@pytest.mark.parametrize(
    ("doc_id", "page", "mangle"),
    [
        ("other", 3, lambda t: t),  # another document
        ("plan", 4, lambda t: t),  # another page
        ("plan", 3, lambda t: str(int(t.split(".")[0]) + 3600) + "." + t.split(".")[1]),  # a later expiry
        ("plan", 3, lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB")),  # a changed MAC
        ("plan", 3, lambda t: t.split(".")[1]),  # no expiry
        ("plan", 3, lambda t: ""),
    ],
)
def test_a_token_for_anything_else_is_refused(doc_id: str, page: int, mangle) -> None:
    token = mangle(_signer().token("plan", 3))
    with pytest.raises(LinkRefused) as refused:
        _signer().check(doc_id, page, token)
    assert refused.value.status == 403


def test_another_secret_does_not_accept_the_token() -> None:
    with pytest.raises(LinkRefused):
        _signer(b"t" * 32).check("plan", 3, _signer().token("plan", 3))


def test_without_a_configured_secret_one_process_secret_signs() -> None:
    a, b = (LinkSigner.from_settings(Settings()) for _ in range(2))
    b.check("plan", 1, a.token("plan", 1))
    configured = LinkSigner.from_settings(Settings(link_secret=SecretStr("x" * 40), link_ttl_seconds=5))
    assert configured.ttl_seconds == 5
    with pytest.raises(LinkRefused):
        configured.check("plan", 1, a.token("plan", 1))


def test_a_short_link_secret_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="at least 32"):
        Settings(link_secret=SecretStr("short"))
    assert Settings(link_secret=SecretStr("")).link_secret is None  # `ASSISTANT_LINK_SECRET=`: unset


AUDIENCES = {"open": "public", "internal": "staff", "council": "public"}


def _links(**settings) -> Links:
    return Links(_signer(), AUDIENCES.get, **settings)


def test_only_documents_a_keyless_browser_could_not_open_get_a_token() -> None:
    links = _links(anyone_reads_public=True)
    answer = Answer(
        answer="…",
        conversation_id="c-1",
        citations=[
            _citation("open"),
            _citation("internal", page=14),
            _citation("council", url="https://council.example/doc.pdf#page=3"),
        ],
    )
    signed = links.answer(answer)
    open_, internal, council = signed.citations
    assert open_.url == "/v1/documents/open/file#page=3"
    assert council.url == "https://council.example/doc.pdf#page=3"
    assert internal.url.startswith("/v1/documents/internal/file?page=14&token=")
    assert internal.url.endswith("#page=14")
    _signer().check("internal", 14, token_in(internal.url) or "")
    assert answer.citations[1].url == "/v1/documents/internal/file#page=14"  # the stored answer is kept


def test_when_keyless_callers_are_refused_public_documents_are_signed_too() -> None:
    links = Links.of(Settings(api_keys={"k" * 20: "staff"}, allow_anonymous=False), AUDIENCES.get)
    assert links.token("open", 1) is not None
    assert Links.of(Settings(), AUDIENCES.get).token("open", 1) is None
    assert Links.of(Settings(), AUDIENCES.get).token("not-indexed", 1) is None


def test_the_highlight_view_link_carries_the_quote_and_the_token() -> None:
    signed = _links(anyone_reads_public=True).citation(_citation("internal", page=14))
    view = view_of(signed)
    assert view.startswith("/v1/documents/internal/pages/14/view?quote=Total+Efficiency+Target")
    assert f"token={token_in(signed.url)}" in view
    assert "token" not in view_of(_citation("open"))
