"""Entry rows → API items, with the train alternative shown beside short flights."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from co2calc.models.entries import EntryEmission, EntryFlag, EntryItem, TrainAlternative

if TYPE_CHECKING:
    from co2calc.calc import CalcContext

__all__ = ["item", "train_alternative", "train_alternative_km"]


def train_alternative_km() -> Decimal:
    """Flights whose corrected one-way distance is under this get a train alternative.

    Setting ``CO2CALC_TRAIN_ALTERNATIVE_KM`` (default 1,000 km).
    """
    from co2calc.settings import get_settings

    return Decimal(str(get_settings().train_alternative_km))


def train_alternative(
    data: dict[str, Any], ctx: CalcContext, max_km: Decimal
) -> TrainAlternative | None:
    """The same trips by train between the rail stations nearest to both airports."""
    from co2calc.calc import compute, validate_entry
    from co2calc.calc.geo import plane_leg_km
    from co2calc.refdata import StationIndex

    a, b = ctx.airports.get(data.get("origin", "")), ctx.airports.get(data.get("destination", ""))
    if a is None or b is None or plane_leg_km(a.lat, a.lon, b.lat, b.lon) >= max_km:
        return None
    index = StationIndex.default()
    near_a, near_b = index.nearest(a.lat, a.lon), index.nearest(b.lat, b.lon)
    if not near_a or not near_b or near_a[0] == near_b[0]:
        return None
    o, d = near_a[0], near_b[0]
    train = validate_entry(
        "travel",
        "train",
        {
            "origin_name": o.name,
            "origin_country": o.country,
            "destination_name": d.name,
            "destination_country": d.country,
            "trips": data.get("trips", 1),
            "round_trip": data.get("round_trip", False),
        },
    )
    result = compute("travel", "train", train, ctx)
    if not result.ok:
        return None
    return TrainAlternative(origin_station=o.name, destination_station=d.name, kg_co2e=result.kg)


def item(
    row: dict[str, Any],
    emissions: list[dict[str, Any]],
    alternative: TrainAlternative | None = None,
) -> EntryItem:
    return EntryItem(
        id=row["id"],
        module=row["module"],
        submodule=row["submodule"],
        data=row["data"],
        note=row["note"],
        kg_co2e=row["kg_co2e"],
        estimate=row["estimate"],
        flag=None
        if row["flag_reason"] is None
        else EntryFlag(reason=row["flag_reason"], detail=row["flag_detail"]),
        emissions=[EntryEmission.model_validate(e) for e in emissions],
        owner_user_id=row["owner_user_id"],
        source=row["source"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        version=row["version"],
        train_alternative=alternative,
    )
