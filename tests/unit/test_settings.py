"""Settings come from CO2CALC_* environment variables, with documented defaults."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError


def test_train_alternative_distance_is_configurable(monkeypatch):
    from co2calc.entries.views import train_alternative_km
    from co2calc.settings import Settings, get_settings

    monkeypatch.delenv("CO2CALC_TRAIN_ALTERNATIVE_KM", raising=False)
    get_settings.cache_clear()
    try:
        assert train_alternative_km() == Decimal(1000)  # product spec default
        monkeypatch.setenv("CO2CALC_TRAIN_ALTERNATIVE_KM", "600")
        get_settings.cache_clear()
        assert train_alternative_km() == Decimal(600)
        monkeypatch.setenv("CO2CALC_TRAIN_ALTERNATIVE_KM", "-5")
        with pytest.raises(ValidationError, match="train_alternative_km"):
            Settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_every_setting_is_documented():
    from pathlib import Path

    from co2calc.settings import Settings

    doc = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    missing = [n for n in Settings.model_fields if f"`CO2CALC_{n.upper()}`" not in doc]
    assert not missing, f"settings missing from docs/configuration.md: {missing}"
