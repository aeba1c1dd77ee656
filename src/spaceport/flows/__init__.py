"""Flows (FLOWS §F1): a trigger starts a run of steps; see docs/ARCHITECTURE.md."""
