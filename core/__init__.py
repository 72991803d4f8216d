"""The core both sides stand on: settings, errors, text, tokens, money, councils and the records.

`ingest` writes the index and `assistant` reads it; both import from here and from `index`, and
never from each other (`make lint` checks the direction with import-linter).
"""
