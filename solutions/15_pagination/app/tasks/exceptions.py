"""What the tasks feature can refuse, in its own words (mapped to HTTP in app.main)."""


class InvalidCursor(Exception):
    """A cursor this service did not issue, or one that was altered on the way."""
