"""Session -> scorecard, with the rubric as data (SPEC section 5)."""
