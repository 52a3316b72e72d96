"""Generators of awkward and broken input corpora, shared by the reader, CLI and workflow tests."""
