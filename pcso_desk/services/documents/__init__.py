"""What leaves the desk on paper or as a pack: street briefings, meeting packs, monthly
update packs and the crime figures behind them.
"""
