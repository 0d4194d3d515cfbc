"""`python -m simulator` is the same as the `callsim` command."""

from simulator.cli import main

raise SystemExit(main())
