"""The Slack app: questions by mention, direct message and /ask; answers in the thread with citations."""
