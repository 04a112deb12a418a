"""Browser tests: the main user journeys in headless Chromium (Debian's /usr/bin/chromium)."""
