"""Sentence-topic classifiers and the shipped model artifacts."""
