"""The landing page, language choice and health check."""
