"""Data entry for every module: one generic CRUD core driven by per-module specs.

- :mod:`co2calc.entries.spec` — what each module has (submodules, filters, sorts, owner field);
- :mod:`co2calc.entries.service` — validated, computed, audited writes (API, importer, seeding);
- :mod:`co2calc.entries.access` — own/unit scope, year and sign-off rules;
- :mod:`co2calc.entries.router` — the routes of one module, built from its spec.
"""
