"""Readers: one per document format, each returning paragraphs and table grids with provenance."""
