"""Checking an article against the sources: claims, evidence, verdicts (issue 6, in progress)."""
