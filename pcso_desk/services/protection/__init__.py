"""Keeping personal data safe and accountable: accounts and sign-in, the audit log and its
witnesses, retention, subject access, erasure, backups and the daily care of a store.
"""
