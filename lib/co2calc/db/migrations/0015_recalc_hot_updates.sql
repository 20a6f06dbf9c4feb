-- Recalculation rewrites every entry total and emission row of a year in place:
-- leave room on each page for a second version of every row, so that those
-- updates are HOT (heap-only: no index touched, no new index entries).
--
-- The set-based recalculation (co2calc.db.recalc.revalue_batch) updates
-- entry.kg_co2e and emission.kg_co2e / factor_version / factor_uncertainty /
-- uncertainty: none of them is indexed (nor is any column an index expression
-- or predicate reads), so each update can stay on its page (HOT) if the page has
-- room for the new version. A factor update rewrites every row of the year once;
-- after autovacuum has reclaimed the previous versions, a page needs free space
-- for a new version of each of its rows, i.e. half the page: fillfactor 50.
-- With 90 (entry) and 80 (emission, migration 0012) only 22-46 % of the updates
-- found room on their page; the others moved the row to another page and added
-- an entry to each index (4 on entry, 2 on emission). Measured on the bench
-- database (bench/recalc, 1,000,000 entries, 20,000-entry ranges after a vacuum):
-- 31-33 µs per entry → 16-19 µs, 100 % of the updates HOT on both tables.
--
-- Cost: a freshly loaded table takes about twice the pages (bench, 1,000,000
-- entries and rows: entry 559 MB, emission 359 MB) — the size the tables already
-- reach at the old setting once every row has been rewritten (measured: 575 MB
-- and 382 MB after the first recalculation of the year).
--
-- The setting applies to pages written from now on: existing tables keep their
-- pages as they are (no rewrite here: it would lock the tables for minutes); they
-- benefit as rows are rewritten and vacuumed, or at once after a
-- ``VACUUM FULL entry, emission`` in a maintenance window.
-- depends: 0014_entry_statement_checks

alter table entry set (fillfactor = 50);
alter table emission set (fillfactor = 50);
