"""What a password must be, and the demo accounts' one: known before the store is open (the
sign-in form shows them), so kept apart from the accounts' code (services/protection)."""

from __future__ import annotations

MIN_PASSWORD = 10
MAX_PASSWORD = 1024
DEMO_PASSWORD = "demo-password"
