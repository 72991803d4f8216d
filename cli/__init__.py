"""The `assistant` command: the one place that wires ingest, the assistant and the evals together."""
