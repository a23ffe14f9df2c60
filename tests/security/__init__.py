"""The security suite: hostile input, access, sessions, throttles (issue 11)."""
