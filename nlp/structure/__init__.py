"""Structure: sections, tables in the official schema, and metadata."""
