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
    └── ConfigError                 a setting is missing or wrong; names the setting

`assistant.api.errors` maps these to HTTP status codes and `assistant.slack` to replies, in one place each.
Every error carries a short `code` that clients can switch on and a message a person can read.
"""

from __future__ import annotations


class AssistantError(Exception):
    code = "assistant_error"
    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IngestError(AssistantError):
    code = "ingest_error"


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


class ConfigError(AssistantError):
    code = "config_error"
