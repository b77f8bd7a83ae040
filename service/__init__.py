"""What users touch: the CLI, the batch runner, the HTTP API and the web UI."""
