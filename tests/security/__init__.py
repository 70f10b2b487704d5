"""Security: who may do what, what is never leaked, and throttling."""
