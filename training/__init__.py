"""Weak labels, annotation datasets, pretraining, fine-tuning and model evaluation."""
