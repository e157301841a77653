"""Sync between station PCs: change log, bundles, merge, hub transport (built by the Sync issue)."""
