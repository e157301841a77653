"""`python -m pcso_desk`: the same entry point as the `pcso-desk` command."""

import sys

from pcso_desk.app import main

sys.exit(main())
