"""The users API contract.

TODO(lesson 01): the routes take and return plain dicts, so nothing here is used yet.
"""
