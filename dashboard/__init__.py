"""The Dash app: pages, components, queries (SQL → DataFrame) and figures (DataFrame → Figure)."""
