"""The optional LLM answerer (ASSISTANT_LLM): the model writes, the system verifies every sentence."""
