"""Fault tests: the SMS gateway down or slow, a database connection killed, the scheduler killed mid-sweep."""
