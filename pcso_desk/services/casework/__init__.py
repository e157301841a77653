"""The team's casework beyond plain edits: visits, check-ins, reviews, the Today
dashboard and the meetings list.
"""
