"""Shape checks of a Slack request before Bolt verifies its signature.

Bolt's verifier turns the timestamp header into an int and the body into text without guarding
either, so `X-Slack-Request-Timestamp: abc` or a body that is not UTF-8 ended in a 500. These
checks answer such requests as what they are, unsigned (401) or unreadable (400), and leave the
real verification, HMAC and age of the timestamp, to Bolt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_TIMESTAMP = re.compile(r"\d{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def signature_headers_ok(headers: Mapping[str, str]) -> bool:
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    return bool(_TIMESTAMP.fullmatch(timestamp.strip()) and _SIGNATURE.fullmatch(signature.strip()))


def readable_body(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
