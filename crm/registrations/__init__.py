"""Registration, contributions, reconciliation with the core system, and targets."""
