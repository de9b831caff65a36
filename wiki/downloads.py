"""Downloads of any size: streamed as they are written, never held whole in a worker.

A whole library's BibTeX or markdown is tens of megabytes written from 100,000 rows; built in
the request it took longer than a worker's timeout. Streamed, the first bytes leave at once,
memory stays flat, and the rows are read from the database a chunk at a time.
"""

from django.db import transaction
from django.http import StreamingHttpResponse

PIECE = 64 * 1024  # characters sent at a time: fewer, bigger writes than one per entry


def in_pieces(texts, size=PIECE):
    """The texts joined into pieces of about `size` characters, UTF-8 encoded.

    Read in one transaction: PostgreSQL then streams a chunked query's rows from a cursor as
    they are fetched (outside a transaction Django's cursor is WITH HOLD, which makes the server
    produce every row before the first), and the download is one consistent snapshot.
    """
    pieces, length = [], 0
    with transaction.atomic():
        for text in texts:
            pieces.append(text)
            length += len(text)
            if length >= size:
                yield "".join(pieces).encode()
                pieces, length = [], 0
    if pieces:
        yield "".join(pieces).encode()


def download(texts, content_type, filename):
    """A streamed attachment of the texts, in order."""
    response = StreamingHttpResponse(in_pieces(texts), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
