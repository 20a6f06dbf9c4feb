-- entry_unit_year_idx (unit_id, year) goes: every imported or seeded entry paid for it
-- and no query needs it any more.
--
-- A unit-year's entries are the entries of its report, and entry_list_idx (report_id,
-- module, submodule, id) already reaches them: the two statements that filtered
-- entry.unit_id now go through the report (the replace mode of a unit import,
-- co2calc.db.ingest.delete_previous_import; the unit slice of a recalculation,
-- co2calc.db.recalc.stream_entries). The headcount duplicate check (unit, year, person id)
-- reads entry_headcount_person_uniq. Query plans checked on the bench database
-- (798,258 entries): see bench/ingest/README.md.
-- depends: 0016_loader_role

drop index if exists entry_unit_year_idx;
