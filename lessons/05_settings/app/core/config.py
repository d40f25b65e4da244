"""Configuration.

TODO(lesson 05): settings are read with os.getenv wherever they are needed, and the signing
key falls back to a value written right here.
"""

# Good enough on a laptop; production sets APP_SIGNING_KEY.
DEFAULT_SIGNING_KEY = "tracker-share-links-6f1d2c9b8a7e4d3c"
