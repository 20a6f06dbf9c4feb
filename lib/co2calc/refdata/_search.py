"""Autocomplete and nearest-neighbour search over airports and stations.

Every entry gets normalised keys once (lower case, accents stripped,
punctuation folded to spaces) and a static rank (bigger first, then name).
Prefix tiers are answered by bisecting sorted key lists (best ranks of every
one- and two-character prefix are precomputed); the substring tier, only
reached when the other tiers leave room, checks the entries of the query's
rarest 3-gram (or 1-/2-gram for shorter queries) in rank order; that
n-gram index is built on first use.

Ranking tiers: exact code, then exact name / city, then prefix of the code /
name / city, then prefix of any later word of the name / city, then substring
anywhere.  Within a tier: bigger first (stations: HAFAS weight; airports, which
have no traffic figure: member of an IATA metropolitan area such as LON or PAR,
then "International" in the name), then alphabetical by name.
"""

from __future__ import annotations

import bisect
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache

from co2calc.refdata._load import (
    Airport,
    Station,
    _airport_rows,
    _station_rows,
)

__all__ = ["AirportIndex", "StationIndex", "haversine_km", "normalise"]

_SEP = "\x00"  # joins the keys of one entry; never part of a query
# Letters NFKD does not decompose into base letter + combining mark.
_FOLD = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i", "ß": "ss"}
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
EARTH_RADIUS_KM = 6371.0088


def normalise(text: str) -> str:
    """Lower-case, strip accents, fold punctuation and runs of spaces to one space."""
    if text.isascii():
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_ALNUM.sub(" ", text).strip()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class _Prefixes:
    """Sorted keys with the rank of their entry; ranked top-k for a prefix."""

    _TOP = 64  # precomputed best ranks for every 1- and 2-character prefix
    _BIG = 512  # prefix ranges larger than this keep their best ranks in a cache

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        pairs.sort()
        self._keys = [k for k, _ in pairs]
        self._ranks = [r for _, r in pairs]
        groups: dict[str, set[int]] = {}
        for k, r in pairs:
            groups.setdefault(k[:1], set()).add(r)
            if len(k) > 1:
                groups.setdefault(k[:2], set()).add(r)
        self._top = {p: sorted(rs)[: self._TOP] for p, rs in groups.items()}
        self._big: dict[str, list[int]] = {}

    def ranked(self, q: str, limit: int) -> Iterable[int]:
        """Ranks (best first, may repeat) of entries with a key starting with ``q``.

        Enough to fill ``limit`` results after skipping up to ``limit`` already
        shown entries.
        """
        if len(q) <= 2 and 2 * limit <= self._TOP:
            return self._top.get(q, ())
        lo = bisect.bisect_left(self._keys, q)
        hi = bisect.bisect_left(self._keys, q + "\uffff", lo)
        if hi - lo <= self._BIG or 2 * limit > self._TOP:
            return sorted(self._ranks[lo:hi])
        top = self._big.get(q)  # common word such as "airport": sort once
        if top is None:
            if len(self._big) >= 4096:
                self._big.clear()
            top = self._big[q] = sorted(set(self._ranks[lo:hi]))[: self._TOP]
        return top


class _TextIndex[T]:
    """Ranked code / prefix / word-prefix / substring search over precomputed keys."""

    def __init__(
        self,
        entries: Iterable[T],
        code: Callable[[T], str],
        texts: Callable[[T], Sequence[str]],
        rank: Callable[[T], tuple],
    ) -> None:
        self._entries: list[T] = sorted(entries, key=rank)
        self._by_code: dict[str, T] = {}
        whole: list[tuple[str, int]] = []
        words: list[tuple[str, int]] = []
        texts_of: list[str] = []
        for r, e in enumerate(self._entries):
            c = normalise(code(e))
            self._by_code.setdefault(c, e)
            keys = list(dict.fromkeys(k for k in (c, *(normalise(t) for t in texts(e) if t)) if k))
            for k in keys:
                whole.append((k, r))
                i = k.find(" ")
                while i >= 0:
                    words.append((k[i + 1 :], r))
                    i = k.find(" ", i + 1)
            texts_of.append(_SEP.join(keys))
        self._exact: dict[str, list[int]] = {}
        for k, r in whole:
            self._exact.setdefault(k, []).append(r)
        self._whole = _Prefixes(whole)
        self._words = _Prefixes(words)
        self._texts = texts_of
        self._ngrams: dict[str, tuple[int, ...]] | None = None

    def get(self, code: str) -> T | None:
        return self._by_code.get(normalise(code))

    def __len__(self) -> int:
        return len(self._entries)

    def search(self, query: str, limit: int = 10) -> list[T]:
        q = normalise(query)
        if not q or limit <= 0:
            return []
        out: list[T] = []
        seen: set[int] = set()
        exact = self._by_code.get(q)
        if exact is not None:
            out.append(exact)
            seen.add(id(exact))
        entries = self._entries
        # whole name / city, prefix of code / name / city, prefix of a later word
        for ranked in (
            self._exact.get(q, ()),
            self._whole.ranked(q, limit),
            self._words.ranked(q, limit),
        ):
            if len(out) >= limit:
                return out
            for r in ranked:
                e = entries[r]
                if id(e) not in seen:
                    seen.add(id(e))
                    out.append(e)
                    if len(out) >= limit:
                        return out
        if len(out) < limit:
            self._substring(q, out, seen, limit)
        return out

    def _substring(self, q: str, out: list[T], seen: set[int], limit: int) -> None:
        """Entries containing ``q`` anywhere, in rank order."""
        texts, entries = self._texts, self._entries
        grams = self._ngram_index()
        n = min(3, len(q))
        candidates = min((grams.get(q[i : i + n], ()) for i in range(len(q) - n + 1)), key=len)
        for r in candidates:
            if q in texts[r]:
                e = entries[r]
                if id(e) not in seen:
                    seen.add(id(e))
                    out.append(e)
                    if len(out) >= limit:
                        return

    def _ngram_index(self) -> dict[str, tuple[int, ...]]:
        """1-, 2- and 3-gram -> ranks of the entries containing it (built on first use)."""
        if self._ngrams is None:
            grams: dict[str, list[int]] = {}
            for r, text in enumerate(self._texts):
                found = {text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)}
                for g in found:
                    grams.setdefault(g, []).append(r)
            self._ngrams = {g: tuple(rs) for g, rs in grams.items() if _SEP not in g}
        return self._ngrams


class AirportIndex:
    """Autocomplete over airports: ``AirportIndex().search("gen")``.

    Without arguments it indexes :func:`load_airports`; pass airports (and
    optionally ``metro_codes`` IATA -> metropolitan code) to index others.
    """

    def __init__(
        self,
        airports: Iterable[Airport] | Mapping[str, Airport] | None = None,
        *,
        metro_codes: Mapping[str, str] | None = None,
    ) -> None:
        if airports is None:
            rows = _airport_rows()
            airports = [a for a, _ in rows]
            if metro_codes is None:
                metro_codes = {a.iata: m for a, m in rows if m}
        elif isinstance(airports, Mapping):
            airports = airports.values()
        metro = dict(metro_codes or {})
        self._metro = metro
        self._index = _TextIndex(
            airports,
            code=lambda a: a.iata,
            texts=lambda a: (a.name, a.city, metro.get(a.iata, "")),
            rank=lambda a: (
                a.iata not in metro,
                "international" not in a.name.casefold(),
                normalise(a.name),
                a.iata,
            ),
        )

    @classmethod
    @cache
    def default(cls) -> AirportIndex:
        """Shared index over the packaged airports (built once per process)."""
        return cls()

    def __len__(self) -> int:
        return len(self._index)

    def get(self, iata: str) -> Airport | None:
        return self._index.get(iata)

    def search(self, query: str, limit: int = 10) -> list[Airport]:
        """Airports matching ``query`` on IATA code, name, city or metro code, best first."""
        return self._index.search(query, limit)


class StationIndex:
    """Autocomplete and nearest-station lookup over rail stations.

    Without arguments it indexes :func:`load_stations` ranked by HAFAS weight;
    pass stations (and optionally ``weights`` UIC -> weight) to index others.
    """

    _LAT_KM = math.pi * EARTH_RADIUS_KM / 180  # km per degree of latitude

    def __init__(
        self,
        stations: Iterable[Station] | None = None,
        *,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        if stations is None:
            rows = _station_rows()
            stations = [s for s, _ in rows]
            if weights is None:
                weights = {s.uic: w for s, w in rows}
        stations = list(stations)
        w = dict(weights or {})
        self._index = _TextIndex(
            stations,
            code=lambda s: s.uic,
            texts=lambda s: (s.name,),
            rank=lambda s: (-w.get(s.uic, 0.0), normalise(s.name), s.uic),
        )
        self._by_lat = sorted(stations, key=lambda s: s.lat)
        self._lats = [s.lat for s in self._by_lat]
        self._nearest_memo: dict[tuple[float, float, int], tuple[tuple[Station, float], ...]] = {}

    @classmethod
    @cache
    def default(cls) -> StationIndex:
        """Shared index over the packaged stations (built once per process)."""
        return cls()

    def __len__(self) -> int:
        return len(self._index)

    def get(self, uic: str) -> Station | None:
        return self._index.get(uic)

    def search(self, query: str, limit: int = 10) -> list[Station]:
        """Stations matching ``query`` on UIC id or name, best first."""
        return self._index.search(query, limit)

    def nearest_with_distance(
        self, lat: float, lon: float, k: int = 1
    ) -> list[tuple[Station, float]]:
        """The ``k`` stations closest to (lat, lon), with great-circle distance in km.

        Answers are memoised: the points asked about are airports, a few thousand
        at most, and a list of flights asks about the same ones again and again.
        """
        key = (lat, lon, k)
        hit = self._nearest_memo.get(key)
        if hit is None:
            if len(self._nearest_memo) >= 16_384:
                self._nearest_memo.clear()
            hit = self._nearest_memo[key] = tuple(self._nearest_scan(lat, lon, k))
        return list(hit)

    def _nearest_scan(self, lat: float, lon: float, k: int) -> list[tuple[Station, float]]:
        if k <= 0 or not self._by_lat:
            return []
        k = min(k, len(self._by_lat))
        delta = 0.05  # degrees of latitude, widened until the answer is certain
        while True:
            lo = bisect.bisect_left(self._lats, lat - delta)
            hi = bisect.bisect_right(self._lats, lat + delta)
            found = sorted(
                ((s, haversine_km(lat, lon, s.lat, s.lon)) for s in self._by_lat[lo:hi]),
                key=lambda p: p[1],
            )[:k]
            # any station outside the band is at least delta degrees of latitude away
            covers_all = lo == 0 and hi == len(self._by_lat)
            if len(found) == k and (covers_all or found[-1][1] <= delta * self._LAT_KM):
                return found
            if covers_all:
                return found
            delta *= 2

    def nearest(self, lat: float, lon: float, k: int = 1) -> list[Station]:
        """The ``k`` stations closest to (lat, lon), closest first."""
        return [s for s, _ in self.nearest_with_distance(lat, lon, k)]
