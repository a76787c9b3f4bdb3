"""Prospect lists, detail, stages (the state machine) and assignment."""
