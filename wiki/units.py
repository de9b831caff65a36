def megabytes(size):
    """A size in bytes as people read it: 5 MB, 2.5 MB."""
    return f"{size / 2**20:.3g} MB"
