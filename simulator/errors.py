"""Errors that reach the user as one line, never as a traceback."""


class UserError(Exception):
    """Bad input (a persona, a transcript, a flag value): exit status 1 and this message."""
