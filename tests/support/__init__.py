"""What the tests, the CI's multi-process run and the benchmarks share to drive the portal.

- `forms`: the one HTML form parser (forms by button or action, their fields, the CSRF token,
  the flashed and field messages).
- `journey`: the Sisnaker tutorial's steps over HTTP, defined once; thin transports for Flask's
  test client, `requests` and (in bench/) aiohttp; codes read from where the SMS went.
- `sms_gateway`: a stub of the gateway the `http` SMS backend posts to.

Nothing here imports the portal at import time: .ci/ and bench/ import it from the repository's
root in processes that never build an app.
"""
