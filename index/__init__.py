"""The index, as one interface for the side that writes it (`ingest`) and the side that reads it
(`assistant`): the catalog (SQLite), the lexical index (BM25), the vector store (Chroma) and the
embedding model that fills it."""
