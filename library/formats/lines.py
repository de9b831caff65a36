"""Line iteration for the format parsers."""


def numbered_lines(source):
    """(number, line) pairs of a text or of an iterable of lines, without a list of the whole file."""
    if not isinstance(source, str):
        yield from enumerate(source, start=1)
        return
    start, number = 0, 1
    while start <= len(source):
        end = source.find("\n", start)
        if end == -1:
            end = len(source)
        yield number, source[start:end]
        start, number = end + 1, number + 1
