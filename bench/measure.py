"""What a measurement returns, and the error that stops one step with a plain message."""

import shutil
from dataclasses import asdict, dataclass


class BenchError(Exception):
    """A step cannot run or its result is unusable; the message says what to do."""


@dataclass(frozen=True)
class Figure:
    """One measured number and the goal it is held to (at_least, at_most or neither)."""

    step: str
    name: str
    value: float
    unit: str = ""
    at_least: float | None = None
    at_most: float | None = None

    @property
    def met(self) -> bool | None:
        """Return whether the goal is met, or None when the figure has no goal."""
        if self.at_least is not None:
            return self.value >= self.at_least
        if self.at_most is not None:
            return self.value <= self.at_most
        return None

    @property
    def goal(self) -> str:
        if self.at_least is not None:
            return f">= {self.at_least:g}"
        if self.at_most is not None:
            return f"<= {self.at_most:g}"
        return ""

    def as_dict(self) -> dict:
        return {**asdict(self), "goal": self.goal, "met": self.met}


def require_program(name: str, how_to_install: str) -> str:
    """Return the path of a program on PATH, or stop the step saying how to install it."""
    path = shutil.which(name)
    if not path:
        raise BenchError(f"{name} is not installed. {how_to_install}")
    return path
