"""Documents built with reportlab from plain dataclasses (built by the Briefings and Packs issues)."""
