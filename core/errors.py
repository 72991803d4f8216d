"""One exception tree for the whole assistant.

    AssistantError
    ├── IngestError                 a document could not be read; the batch goes on
    │   └── PdfError                 (EmptyFile, NotPdf, CorruptPdf, TruncatedPdf, EncryptedPdf, NoTextLayer)
    ├── IndexError_                 the index is missing, or its store is unreachable
    │   ├── IndexNotReady
    │   └── StoreUnavailable        e.g. the Chroma server is down -> HTTP 503
    ├── QuestionError               the question itself cannot be answered as asked -> HTTP 400/422
    ├── ToolInputError              a tool got an input it refuses (negative days, division by zero)
    ├── CitationError               a citation failed verification
    ├── AuthError                   missing or unknown API key -> HTTP 401
    ├── RateLimited                 -> HTTP 429
    ├── StorageFull                 the data folder's disk is full; nothing was written -> HTTP 507
    └── ConfigError                 a setting is missing or wrong; names the setting

`assistant.api.errors` maps these to HTTP status codes and `assistant.slack` to replies, in one place each.
Every error carries a short `code` that clients can switch on and a message a person can read.
"""

from __future__ import annotations

import errno


class AssistantError(Exception):
    code = "assistant_error"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IngestError(AssistantError):
    code = "ingest_error"


class IngestBusy(IngestError):
    code = "ingest_busy"
    status = 409


class PdfError(IngestError):
    code = "bad_pdf"


class EmptyFile(PdfError):
    code = "empty_file"


class NotPdf(PdfError):
    code = "not_pdf"


class CorruptPdf(PdfError):
    code = "corrupt_pdf"


class TruncatedPdf(PdfError):
    code = "truncated_pdf"


class EncryptedPdf(PdfError):
    code = "encrypted_pdf"


class NoTextLayer(PdfError):
    code = "no_text_layer"


class IndexError_(AssistantError):
    code = "index_error"
    status = 503


class IndexNotReady(IndexError_):
    code = "index_not_ready"


class StoreUnavailable(IndexError_):
    code = "store_unavailable"


class QuestionError(AssistantError):
    code = "bad_question"
    status = 422


class EmptyQuestion(QuestionError):
    code = "empty_question"


class QuestionTooLong(QuestionError):
    code = "question_too_long"


class UnsupportedLanguage(QuestionError):
    code = "unsupported_language"


class ToolInputError(AssistantError):
    code = "bad_tool_input"
    status = 422


class CitationError(AssistantError):
    code = "citation_error"


class AuthError(AssistantError):
    code = "unauthorised"
    status = 401


class Forbidden(AssistantError):
    code = "forbidden"
    status = 403


class NotFound(AssistantError):
    code = "not_found"
    status = 404


class RateLimited(AssistantError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: str, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds, for the Retry-After header


class ConfigError(AssistantError):
    code = "config_error"


class ServiceUnreachable(AssistantError):
    """A service we call (Slack's Web API) did not answer: unlike a ConfigError, waiting may fix it."""

    code = "service_unreachable"
    status = 503


class StorageFull(AssistantError):
    code = "storage_full"
    status = 507


_FULL_MESSAGES = ("database or disk is full", "no space left on device", "disk quota exceeded")


def storage_full(exc: BaseException, where: object) -> StorageFull | None:
    """The one clear error for a write that failed for want of space, whichever layer raised it
    (SQLite, a file write, Chroma's own store); None for any other failure.

    Every store writes in transactions, so a failed write leaves what was there before; the message
    says so, and what to do."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, StorageFull):
            return seen
        full = isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT)
        if full or any(m in str(seen).lower() for m in _FULL_MESSAGES):
            return StorageFull(
                f"The disk holding {where} is full, so nothing was saved and earlier data is unchanged. "
                "Free space there (or enlarge the volume) and try again."
            )
        seen = seen.__cause__ or seen.__context__
    return None
