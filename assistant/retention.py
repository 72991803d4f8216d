"""Deleting old conversations: the pruning job the API runs at start-up and then every hour.

Conversations hold what people asked and what they were told, so they are kept only as long as a
follow-up is plausible (`ASSISTANT_CONVERSATION_DAYS`, 90 by default), not for ever.
"""

from __future__ import annotations

import asyncio
import logging

from assistant.conversations import ConversationStore

log = logging.getLogger("assistant.retention")
PRUNE_EVERY_S = 3600.0


def prune_once(store: ConversationStore, days: int) -> int:
    gone = store.prune(days)
    if gone:
        log.info("deleted %d conversation(s) untouched for %d days", gone, days)
    return gone


async def prune_forever(store: ConversationStore, days: int, every_s: float = PRUNE_EVERY_S) -> None:
    """Prune now, then every `every_s` seconds, until cancelled; a failure is logged, not fatal."""
    while True:
        try:
            await asyncio.to_thread(prune_once, store, days)
        except Exception:
            log.exception("pruning old conversations failed; trying again in %.0f s", every_s)
        await asyncio.sleep(every_s)
