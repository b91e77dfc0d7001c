"""Reusable views: each takes data and state, and builds its panes once."""
