"""Integrity: provenance of invitations and answers, checks that hold suspicious answers, and their review."""
