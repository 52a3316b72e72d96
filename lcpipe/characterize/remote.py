"""Calling online archives: timeouts, retries with exponential backoff, one clear error when offline."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd

from lcpipe.characterize.cache import QueryCache

T = TypeVar("T")


class OnlineCatalogError(RuntimeError):
    """An online archive could not be reached or did not answer in time, after all retries."""


def _transient_errors() -> tuple[type[BaseException], ...]:
    """Exception types that mean "network or service trouble" rather than a bug in our code."""
    errors: list[type[BaseException]] = [OSError, TimeoutError, http.client.HTTPException]
    try:
        import requests

        errors.append(requests.RequestException)
    except ImportError:  # pragma: no cover - requests comes with astroquery
        pass
    try:
        from pyvo.dal import DALServiceError

        errors.append(DALServiceError)
    except ImportError:  # pragma: no cover - pyvo comes with astroquery
        pass
    try:
        from astroquery.exceptions import RemoteServiceError

        errors.append(RemoteServiceError)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errors)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try an online archive before giving up.

    Attributes
    ----------
    timeout_s : float
        Seconds to wait for one attempt (> 0).
    retries : int
        Further attempts after the first failure (>= 0).
    backoff_s : float
        Wait before retry k (k = 0, 1, ...) is ``backoff_s * 2**k`` seconds (>= 0).
    """

    timeout_s: float = 30.0
    retries: int = 2
    backoff_s: float = 2.0

    def __post_init__(self) -> None:
        if not self.timeout_s > 0:
            raise ValueError(f"timeout_s must be > 0, got {self.timeout_s}")
        if self.retries < 0:
            raise ValueError(f"retries must be >= 0, got {self.retries}")
        if self.backoff_s < 0:
            raise ValueError(f"backoff_s must be >= 0, got {self.backoff_s}")


def _call_with_timeout(func: Callable[[], T], timeout_s: float) -> T:
    """Run ``func()`` in a daemon thread and wait at most ``timeout_s`` seconds for it.

    A call that times out is abandoned, not killed: its thread ends when the underlying socket
    gives up, and being a daemon it never keeps the interpreter alive.
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = func()
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=target, name="lcpipe-online-query", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise TimeoutError(f"no answer within {timeout_s:g} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def call_online(
    func: Callable[[], T],
    *,
    service: str,
    config_key: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call a network function with a timeout per attempt and retries with exponential backoff.

    Parameters
    ----------
    func : callable
        The query, taking no arguments.
    service : str
        Human name of the archive for the error message, e.g. ``"Gaia archive"``.
    config_key : str
        Config switch that turns the online mode off, e.g. ``"characterize.online"``.
    policy : RetryPolicy
        Timeout, retries and backoff.
    sleep : callable
        Waits between attempts (tests pass a recorder instead of sleeping).

    Returns
    -------
    object
        What ``func`` returned.

    Raises
    ------
    OnlineCatalogError
        When every attempt failed with a network or service error, or timed out. Other
        exceptions (bugs) propagate unchanged at once.
    """
    transient = _transient_errors()
    last: BaseException | None = None
    for attempt in range(policy.retries + 1):
        if attempt:
            sleep(policy.backoff_s * 2 ** (attempt - 1))
        try:
            return _call_with_timeout(func, policy.timeout_s)
        except transient as exc:
            last = exc
    raise OnlineCatalogError(
        f"cannot reach {service}: {type(last).__name__}: {last} (after {policy.retries + 1} attempts); "
        f"set {config_key}: false or check the network"
    ) from last


def cached_adql(
    cache: QueryCache,
    name: str,
    query: str,
    run: Callable[[str], pd.DataFrame],
    normalise: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    service: str,
    config_key: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None] | None = None,
) -> pd.DataFrame:
    """Answer an ADQL query from the on-disk cache, or send it with retries and cache the answer.

    Parameters
    ----------
    cache : QueryCache
        On-disk cache; the key is ``name`` and the ADQL text.
    name : str
        Cache namespace of the service (``"gaia"``, ``"simbad"``).
    query : str
        ADQL text.
    run : callable
        Sends ADQL and returns a DataFrame.
    normalise : callable
        Maps the service's answer to the table lcpipe uses.
    service, config_key, policy, sleep
        As for :func:`call_online` (``sleep`` None: ``time.sleep``).

    Returns
    -------
    DataFrame
        The normalised answer; a failed query is not cached.
    """

    def fetch() -> pd.DataFrame:
        answer = call_online(
            lambda: run(query),
            service=service,
            config_key=config_key,
            policy=policy,
            sleep=time.sleep if sleep is None else sleep,
        )
        return normalise(answer)

    return cache.get_or_fetch(name, {"adql": query}, fetch)


def cone_condition(ra_deg: float, dec_deg: float, radius_arcsec: float) -> str:
    """ADQL condition of a cone on the ``ra``, ``dec`` columns (ICRS degrees; radius in arcsec)."""
    return (
        f"CONTAINS(POINT('ICRS', ra, dec), "
        f"CIRCLE('ICRS', {ra_deg:.8f}, {dec_deg:.8f}, {radius_arcsec / 3600.0:.8f}))"
    )


def table_to_frame(table) -> pd.DataFrame:
    """Astropy table from an archive → DataFrame with lower-case column names, masked cells as NaN/None."""
    frame = table.to_pandas()
    frame.columns = [str(c).lower() for c in frame.columns]
    return frame
