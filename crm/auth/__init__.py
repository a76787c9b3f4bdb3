"""Sign-in, accounts, roles and the access rules."""
