"""The document model and the pure pipeline: ingest, structure, sentences."""
