from __future__ import annotations

STAFF_KEY = "staff-key-0123456789abcdef"
MEMBER_KEY = "member-key-0123456789abcdef"
