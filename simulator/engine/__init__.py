"""A practice call: persona state, prompt building, reply checks, the turn loop."""
