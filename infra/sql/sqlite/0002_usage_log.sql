-- ClipGrains embedded schema, version 2: the append-only usage log (one row per settled request), written in
-- batches; `usage_id` is unique, so a batch written twice adds nothing. `at` is unix milliseconds (UTC).
CREATE TABLE IF NOT EXISTS usage_log (
    usage_id     TEXT    NOT NULL PRIMARY KEY,
    tenant_id    TEXT    NOT NULL,
    key_id       TEXT    NOT NULL,
    model        TEXT    NOT NULL,
    route        TEXT    NOT NULL,
    images       INTEGER NOT NULL,
    texts        INTEGER NOT NULL,
    credits      INTEGER NOT NULL,
    at           INTEGER NOT NULL,
    lease_id     INTEGER NOT NULL DEFAULT 0,
    refused      INTEGER NOT NULL DEFAULT 0,
    decode_ms    INTEGER NOT NULL DEFAULT 0,
    stored_bytes INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS usage_log_tenant_at ON usage_log (tenant_id, at);
CREATE INDEX IF NOT EXISTS usage_log_lease ON usage_log (tenant_id, lease_id) WHERE lease_id <> 0;
