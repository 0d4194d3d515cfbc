"""callsim: practise a Call Russia phone conversation against a local LLM respondent."""

__version__ = "0.1.0"
