"""The API base every app's ``api.py`` builds on (policy, errors, viewsets)."""
