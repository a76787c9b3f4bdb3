"""The JSON API at /api/v1: bearer tokens, problem+json errors, an OpenAPI document built from the code."""
