"""CSV/XLSX imports: reading, header checks, row validation, bulk writes.

    columns   the import columns of a submodule (from the engine's entry model), header check
    read      streaming rows of CSV (encodings, separators) and XLSX files
    rows      one row → a validated entry or its errors (decimal comma, formula injection)
    templates CSV/XLSX templates whose columns are exactly what the importer reads
    run       one import end to end: claim, download, parse, write (COPY), progress
    chunks    validation + engine + COPY formatting of a chunk of rows, in worker processes
    errors    why an import stops (deterministic input errors vs. retryable failures)

Heavy modules are imported by their users, not here (cold starts stay small).
"""
