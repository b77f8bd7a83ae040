"""Imported by a worker pool's fork server: the jieba dictionary loaded once, before workers fork."""

from nlp.segment import tokenizer

# The tokenizer (jieba's dictionary, about half a second to load, and our user dictionary) is cached per
# process, so every forked worker inherits it instead of paying for it with its first report.
tokenizer()
