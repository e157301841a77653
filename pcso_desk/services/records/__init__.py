"""Records of every kind: the generic record service and each kind's rules, search,
duplicates and merging, contact import and exports.
"""
