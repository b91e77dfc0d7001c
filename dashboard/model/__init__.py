"""The model layer: every rule the screens, exports and notebooks share, each written once.

Periods and their settling, targets and the period each applies to, status against a
target, rank, Vietnamese collation, display tables, KPIs and the derived snapshot. It reads
the data layer (catalogue, data, geo, i18n) and never imports views, pages, shell or export.
"""
