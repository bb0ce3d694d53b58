"""Command-line client for travel agencies (batch plans over the HTTP API)."""
