"""Batch scoring of many reports: inputs, worker pools (local or Ray), resume, rankings, duplicates, HTML."""
