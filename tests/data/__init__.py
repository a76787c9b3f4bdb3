"""Files the tests read, made as agencies make them (see make_lead_files.py)."""

from pathlib import Path

DATA = Path(__file__).parent
