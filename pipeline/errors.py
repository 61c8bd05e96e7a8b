"""Typed errors and the Skip record.

A stage that cannot use an input does not raise past the runner: it yields or
raises :class:`Skip`, which the runner logs and counts by ``reason`` in the
run summary.  Errors that should stop the whole run (bad command line, a
state database that is not ours) are :class:`PipelineError` subclasses.
"""
from __future__ import annotations

from dataclasses import dataclass


class PipelineError(Exception):
    """An error that ends the run with a message for the user."""


class UsageError(PipelineError):
    """The command line or a config file asks for something impossible."""


class ConfigError(UsageError):
    """A config file is missing, unreadable or has a wrong key or value."""


class StateError(PipelineError):
    """The state database cannot be opened or is not a newsfacts database."""


@dataclass(frozen=True)
class Skip(Exception):
    """An input that is passed over, with a short machine-readable reason.

    ``reason`` is a stable code (``empty_body``, ``non_html``, ``warc_error``
    ...) used to count skips; ``location`` names the file, WARC offset or URL;
    ``detail`` says what was wrong and what the user can do about it.
    """

    reason: str
    location: str = ""
    detail: str = ""

    def __reduce__(self):
        # frozen dataclass exceptions cannot be rebuilt by the default pickling of exceptions,
        # and Skips travel back from worker processes
        return (Skip, (self.reason, self.location, self.detail))

    def __str__(self) -> str:
        text = f"SKIP reason={self.reason} location={self.location}"
        return f"{text}: {self.detail}" if self.detail else text
