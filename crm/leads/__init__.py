"""Lead lists from partner agencies: the liaison portal, the import pipeline and the lead API."""
