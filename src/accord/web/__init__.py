"""The web application: API under /api/v1, server-rendered pages, static assets, languages."""
