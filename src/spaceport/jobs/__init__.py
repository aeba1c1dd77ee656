"""Background work (DESIGN "Data flows"): jobs claimed from the database by workers, after the
transaction that created them commits; the outbox fanned out into jobs (COMPAT §8.1)."""
