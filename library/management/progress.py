"""A progress bar on a command's stderr, for long imports and lookups."""

import sys


def progress_bar(command, unit):
    """A `show(done, total)` that redraws `[####....] unit done/total` in place; None when stderr
    is not a terminal (cron, a pipe), where the bar would only fill a log."""
    if not sys.stderr.isatty():
        return None

    def show(done, total):
        width = 30
        filled = width * done // max(total, 1)
        command.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {unit} {done}/{total}", ending="", style_func=str
        )
        command.stderr.flush()

    return show


def end_progress(command, progress):
    """End the bar's line, if there was one."""
    if progress:
        command.stderr.write("", style_func=str)
