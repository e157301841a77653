"""Documents built with reportlab from plain dataclasses (Briefings and Packs issues)."""
