"""Component ids, defined once."""

LANG_STORE = "lang-store"
PAGE = "page"


def chart(indicator_id: str) -> str:
    return f"chart-{indicator_id}"


def section(domain: str) -> str:
    return f"section-{domain}"
