"""The rules about people that every area shares: NIK, phone numbers and names (parsing, masking)."""
