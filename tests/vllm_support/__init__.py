"""Helpers for tests that run a real vLLM worker (CPU build) on a tiny generated model."""
