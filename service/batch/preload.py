"""Imported by a worker pool's fork server: spaCy's Doc and matchers loaded once, without torch, before workers fork."""

from nlp.segment import blank_nlp

# The blank Chinese pipeline (and with it spaCy, imported the torch-free way) is cached per process, so
# every forked worker inherits it instead of paying the import with its first report.
blank_nlp()
