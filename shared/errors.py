"""Exceptions a stage handler raises to steer the runtime.

`PermanentError` fails the job now with a message a user understands; `JobCancelled`
stops the work quietly; anything else is transient and retried (in the handler with
backoff where it is cheap, then by SQS redelivery with a growing visibility timeout).
"""

from __future__ import annotations


class PermanentError(Exception):
    """Work that will never succeed as asked (bad input, content-policy rejection, invalid script).

    The message is shown to the user as the job's failure reason: write it in plain words.
    """


class TransientError(Exception):
    """Work that may succeed if tried again later (timeouts, 429, 5xx, emulator hiccups)."""


class JobCancelled(Exception):
    """The job was cancelled while this stage worked on it: stop and let the message go."""
