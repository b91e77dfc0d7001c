"""The model layer: rules the screens, exports and notebooks share, each written once."""
