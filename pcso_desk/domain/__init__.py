"""Pure rules and value types of PCSO Desk: no database, no Qt, no I/O."""
