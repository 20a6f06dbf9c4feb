"""Request and response shapes, each defined once (API, importer and OpenAPI share them)."""
