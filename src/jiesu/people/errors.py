"""Refusals of the people services: a stable code for programs and a clear Chinese message for people."""

from __future__ import annotations


class PeopleError(Exception):
    """A change to people or units was refused; nothing was written."""

    def __init__(self, message: object, *, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return str(self.message)
