class ImportFormatError(Exception):
    """A file that cannot be imported: names the file and line so the user can fix it."""

    def __init__(self, filename, line, message):
        super().__init__(f"{filename}:{line}: {message}")
        self.filename, self.line, self.message = filename, line, message
