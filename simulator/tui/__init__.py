"""The Textual app: pick a respondent, make the practice call, read the scorecard."""
