"""The admins' audit trail: searching it, exporting it, and each event in words. The recorder that every
area writes through is crm/audit, below them all."""
