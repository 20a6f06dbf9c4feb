"""The ECB data API (SDMX 2.1 REST) in its SDMX-CSV format (``format=csvdata``).

Series used (documented choice):

- exchange rates: the **annual** EXR series ``EXR/A.<CUR>+….EUR.SP00.A`` —
  the ECB's own annual average of its daily euro reference rates, *units of
  currency per 1 EUR*, the same quantity as the packaged ``ecb_fx_annual.csv``;
  only complete years are published, so nothing partial is stored;
- HICP: the **monthly** euro-area overall index ``ICP/M.U2.N.000000.4.INX``,
  averaged by us over calendar years that have all twelve months (the annual
  average index as Eurostat defines it); stored on the base the ECB publishes.

An SDMX-CSV answer is a header row of concept ids then one row per
observation: ``KEY,FREQ,CURRENCY,CURRENCY_DENOM,EXR_TYPE,EXR_SUFFIX,
TIME_PERIOD,OBS_VALUE,OBS_STATUS,…,TITLE,UNIT,UNIT_MULT`` (for ICP the
dimensions are ``FREQ,REF_AREA,ADJUSTMENT,ICP_ITEM,STS_INSTITUTION,
ICP_SUFFIX``). Columns are read by name, never by position.
"""

from __future__ import annotations

import csv
import io
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from co2calc.refresh.errors import SourceFormatError, SourceRejected, SourceUnavailable

if TYPE_CHECKING:
    import httpx

__all__ = ["FX_FLOW", "HICP_FLOW", "EcbClient", "annual_means", "parse_sdmx_csv"]

SOURCE = "ecb"
FX_FLOW = "EXR"
HICP_FLOW = "ICP"
HICP_KEY = "M.U2.N.000000.4.INX"
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def parse_sdmx_csv(text: str, *, dimensions: Iterable[str] = ()) -> list[dict[str, str]]:
    """Observation rows with ``TIME_PERIOD``, ``OBS_VALUE`` and the named dimensions."""
    reader = csv.DictReader(io.StringIO(text))
    need = {"TIME_PERIOD", "OBS_VALUE", *dimensions}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        raise SourceFormatError(
            f"SDMX-CSV without columns {sorted(need - set(reader.fieldnames or ()))}",
            source=SOURCE,
        )
    keep = ("KEY", "TIME_PERIOD", "OBS_VALUE", *dimensions)
    return [{k: (row.get(k) or "").strip() for k in keep} for row in reader]


def _decimal(value: str, row: dict[str, str]) -> Decimal | None:
    if value in ("", "NaN"):
        return None  # a missing observation
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise SourceFormatError(f"not a number: {value!r} in {row}", source=SOURCE) from None
    if not d.is_finite() or d <= 0:
        raise SourceFormatError(f"implausible value {value!r} in {row}", source=SOURCE)
    return d


def annual_means(monthly: dict[str, Decimal]) -> dict[int, Decimal]:
    """``{"2023-01": v, …}`` → year → mean over complete years (12 months), 2 decimals."""
    by_year: dict[int, list[Decimal]] = defaultdict(list)
    for period, value in monthly.items():
        by_year[int(period[:4])].append(value)
    return {
        y: (sum(vs, Decimal(0)) / 12).quantize(Decimal("0.01"))
        for y, vs in sorted(by_year.items())
        if len(vs) == 12
    }


class EcbClient:
    """Fetches and parses; ``client`` is injected in tests, else built with the timeout."""

    def __init__(
        self,
        base_url: str,
        *,
        client: httpx.Client | None = None,
        timeout_s: float = 10.0,
        retries: int = 3,
        backoff_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.client = client or httpx.Client(
            timeout=httpx.Timeout(timeout_s), headers={"Accept": "text/csv"}
        )
        self.retries, self.backoff_s, self.sleep = retries, backoff_s, sleep

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> EcbClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _get(self, flow: str, key: str, start: int) -> str:
        """GET with retries and exponential backoff on transport errors, 429 and 5xx."""
        import httpx

        url = f"{self.base_url}/{flow}/{key}"
        params = {"format": "csvdata", "startPeriod": str(start), "detail": "dataonly"}
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = self.client.get(url, params=params)
            except httpx.TransportError as exc:  # timeouts, refused connections…
                last = f"{type(exc).__name__}: {exc}"
                continue
            if response.status_code in _RETRY_STATUS:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code == 404:  # SDMX: no data for the query
                return ""
            if response.status_code >= 400:
                raise SourceRejected(
                    f"{flow}/{key}: HTTP {response.status_code}",
                    source=SOURCE,
                    status_code=response.status_code,
                )
            return response.text
        raise SourceUnavailable(
            f"{flow}/{key}: {last} after {self.retries + 1} attempts", source=SOURCE
        )

    def fx_annual(
        self, currencies: Iterable[str], start_year: int
    ) -> dict[tuple[int, str], Decimal]:
        """(year, currency) → annual mean, units of currency per 1 EUR."""
        key = f"A.{'+'.join(sorted(currencies))}.EUR.SP00.A"
        text = self._get(FX_FLOW, key, start_year)
        out: dict[tuple[int, str], Decimal] = {}
        for row in parse_sdmx_csv(text, dimensions=("CURRENCY",)) if text else ():
            value = _decimal(row["OBS_VALUE"], row)
            if value is not None:
                out[int(row["TIME_PERIOD"][:4]), row["CURRENCY"]] = value
        return out

    def hicp_annual(self, start_year: int) -> dict[int, Decimal]:
        """Year → euro-area HICP annual average index (complete years only)."""
        text = self._get(HICP_FLOW, HICP_KEY, start_year)
        monthly: dict[str, Decimal] = {}
        for row in parse_sdmx_csv(text) if text else ():
            value = _decimal(row["OBS_VALUE"], row)
            if value is not None:
                monthly[row["TIME_PERIOD"]] = value
        return annual_means(monthly)
