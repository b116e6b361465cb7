-- ClipGrains schema, version 2: the append-only usage log (one row per settled request).
-- Written in batches by every silo (group commit); `usage_id` is unique per service, so a batch written twice
-- (a retry after a lost acknowledgement) adds nothing. Invoices, `GET /v1/usage` and the per-day totals are sums
-- over these rows; the tenant's ledger state no longer keeps per-request or per-day history.
CREATE TABLE IF NOT EXISTS clipgrains_usage (
    service_id   text        NOT NULL,
    usage_id     text        NOT NULL,
    tenant_id    text        NOT NULL,
    key_id       text        NOT NULL,
    model        text        NOT NULL,
    route        text        NOT NULL,
    images       integer     NOT NULL,
    texts        integer     NOT NULL,
    credits      bigint      NOT NULL,
    at           timestamptz NOT NULL,
    lease_id     bigint      NOT NULL DEFAULT 0,   -- the credit lease it was admitted under; 0 = exact path
    refused      boolean     NOT NULL DEFAULT false,
    decode_ms    bigint      NOT NULL DEFAULT 0,
    stored_bytes bigint      NOT NULL DEFAULT 0,
    PRIMARY KEY (service_id, usage_id)
);

-- Reports and exports read one tenant's time range; a lost lease is reconciled by its id.
CREATE INDEX IF NOT EXISTS clipgrains_usage_tenant_at ON clipgrains_usage (service_id, tenant_id, at);
CREATE INDEX IF NOT EXISTS clipgrains_usage_lease ON clipgrains_usage (service_id, tenant_id, lease_id) WHERE lease_id <> 0;
