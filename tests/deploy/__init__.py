"""Tests of the deploy/ folder: nginx in front of several dashboard processes."""
