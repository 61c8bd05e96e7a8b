"""Typed errors and the Skip record.

A stage that cannot use an input does not raise past the engine: it yields or
raises :class:`Skip`, which the run logs and counts by ``reason`` in the
run summary.  Errors that should stop the whole run (bad command line, a
state database that is not ours) are :class:`PipelineError` subclasses.
"""
from __future__ import annotations


class PipelineError(Exception):
    """An error that ends the run with a message for the user."""


class UsageError(PipelineError):
    """The command line or a config file asks for something impossible."""


class ConfigError(UsageError):
    """A config file is missing, unreadable or has a wrong key or value."""


class StateError(PipelineError):
    """The state database cannot be opened or is not a newsfacts database."""


class Skip(Exception):
    """An input that is passed over, with a short machine-readable reason.

    ``reason`` is a stable code (``empty_body``, ``non_html``, ``warc_error``
    ...) used to count skips; ``location`` names the file, WARC offset or URL;
    ``detail`` says what was wrong and what the user can do about it.

    The fields are read-only, and a Skip compares and hashes by them.  It is a plain exception
    (not a frozen dataclass) so that it also travels back from Dask workers: Dask's exception
    pickling (tblib) sets ``__cause__`` and ``__traceback__`` on the rebuilt exception.

    >>> Skip("non_html", "a.warc.gz#120", "a PDF") == Skip("non_html", "a.warc.gz#120", "a PDF")
    True
    >>> Skip("x")
    Skip(reason='x', location='', detail='')
    """

    def __init__(self, reason: str, location: str = "", detail: str = ""):
        super().__init__(reason, location, detail)

    @property
    def reason(self) -> str:
        return self.args[0]

    @property
    def location(self) -> str:
        return self.args[1]

    @property
    def detail(self) -> str:
        return self.args[2]

    def __reduce__(self):
        return (Skip, self.args)

    def __eq__(self, other: object) -> bool:
        return type(other) is Skip and self.args == other.args

    def __hash__(self) -> int:
        return hash(self.args)

    def __repr__(self) -> str:
        return f"Skip(reason={self.reason!r}, location={self.location!r}, detail={self.detail!r})"

    def __str__(self) -> str:
        text = f"SKIP reason={self.reason} location={self.location}"
        return f"{text}: {self.detail}" if self.detail else text
