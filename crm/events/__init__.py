"""Outreach events: planning them, the public sign-up on the worker's own phone, attendance and results."""
