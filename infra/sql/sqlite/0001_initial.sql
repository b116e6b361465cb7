-- ClipGrains embedded (single-machine) schema, version 1: durable grain state.
-- Tenants' ledgers, API keys, idempotency records and label sets; `etag` is a row version and every write is a
-- compare-and-swap on it; `updated_at` (unix seconds) lets expired idempotency records be deleted.
CREATE TABLE IF NOT EXISTS grain_state (
    grain_id   TEXT    NOT NULL,
    state_name TEXT    NOT NULL,
    etag       INTEGER NOT NULL,
    payload    BLOB    NOT NULL,
    updated_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain_id, state_name));
