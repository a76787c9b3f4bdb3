"""Personal data (UU 27/2022): data-subject requests, retention, backups."""
