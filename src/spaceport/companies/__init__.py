"""Companies (reference "Companies"): a read-only, searchable directory of companies from
public business registers (Companies House for GB, AJPES for SI), filled by
`spaceport companies import` and, on a fresh database, by the small sample in `data/`."""
