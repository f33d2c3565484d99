"""Layout and figure builders, the page, and the web routes."""
