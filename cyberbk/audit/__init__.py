"""Append-only log of staff reads of confidential content and of exports."""
