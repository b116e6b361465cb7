-- ClipGrains schema, version 1: Orleans cluster membership and grain state.
-- Applied in one transaction by `clipgrains db migrate` or at silo start (ClipGrains:Cluster:MigrateOnStart);
-- every statement is idempotent so a half-known database can be migrated again safely.

-- One row per cluster: the membership table's version. Orleans bumps it on every membership change and a
-- write whose expected version is stale must fail (compare-and-swap on `version`).
CREATE TABLE IF NOT EXISTS clipgrains_membership_version (
    cluster_id  text        NOT NULL PRIMARY KEY,
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per silo incarnation (address = ip:port@generation). The readable columns are for operators
-- (`SELECT silo_name, status, iamalive_at FROM clipgrains_membership`); `entry` holds the full Orleans
-- MembershipEntry (suspicions, zones) in Orleans' binary serialization. `etag` is the row's own version.
CREATE TABLE IF NOT EXISTS clipgrains_membership (
    cluster_id   text        NOT NULL REFERENCES clipgrains_membership_version (cluster_id) ON DELETE CASCADE,
    address      text        NOT NULL,
    silo_name    text        NOT NULL,
    host_name    text        NOT NULL,
    status       integer     NOT NULL,
    started_at   timestamptz NOT NULL,
    iamalive_at  timestamptz NOT NULL,
    etag         bigint      NOT NULL,
    entry        bytea       NOT NULL,
    PRIMARY KEY (cluster_id, address)
);

-- Durable grain state: tenants' ledgers, API keys, idempotency records, label sets with their embedding
-- matrices. `etag` is a row version; every write is a compare-and-swap on it.
CREATE TABLE IF NOT EXISTS clipgrains_grain_state (
    service_id  text        NOT NULL,
    grain_id    text        NOT NULL,
    state_name  text        NOT NULL,
    etag        bigint      NOT NULL,
    payload     bytea       NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_id, state_name)
);
