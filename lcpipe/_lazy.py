"""Attributes of a package loaded on first access (PEP 562), so that importing the package, or one of
its submodules, does not load the heavy modules that define its public names."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(package: str, defined_in: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package`` that imports each public name from its module when first
    asked for.

    Parameters
    ----------
    package : str
        The package's ``__name__`` (for the error message).
    defined_in : mapping of str to str
        Public name → the module that defines it.
    """

    def __getattr__(name: str) -> Any:
        if name in defined_in:
            return getattr(importlib.import_module(defined_in[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
