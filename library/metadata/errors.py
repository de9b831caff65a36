"""What a lookup can fail with; str(error) is a message fit to show a member."""


class MetadataError(Exception):
    """Base of lookup failures."""


class SourceUnreachable(MetadataError):
    """Timeout, connection refused, unknown host, a 5xx answer, or a link refused (private address)."""


class NotFound(MetadataError):
    """The source answered but knows nothing usable: 404, empty feed, no title, malformed data."""
