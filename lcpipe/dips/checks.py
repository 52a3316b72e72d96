"""Validation of option values: one ``ValueError`` naming every rule a set of options breaks."""

from __future__ import annotations

from collections.abc import Mapping


def require(rules: Mapping[str, bool]) -> None:
    """Raise ``ValueError`` listing the message of every rule whose condition is False.

    Parameters
    ----------
    rules : mapping of str to bool
        What must hold (the message) -> whether it holds.
    """
    broken = [message for message, holds in rules.items() if not holds]
    if broken:
        raise ValueError("; ".join(broken))
