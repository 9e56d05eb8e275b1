"""Security tests of issue 9: the real app, a real HTTP client, real Chromium."""
