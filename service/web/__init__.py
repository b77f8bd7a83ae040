"""The reviewers' service: FastAPI app, storage, job worker and the server-rendered web UI."""
