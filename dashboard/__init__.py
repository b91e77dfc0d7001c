"""Hà Nội gender-equality dashboard: data layer, state, views, pages and exports."""
