"""Keeping the team's station PCs in step: bundles, the hub, merging received changes, the
conflict queue and the trust in each station (the format itself is pcso_desk/sync/).
"""
