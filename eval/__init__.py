"""The evaluator: outline completeness, table consistency, narrative quality, scores and ranks."""
