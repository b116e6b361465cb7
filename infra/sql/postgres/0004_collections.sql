-- ClipGrains schema, version 4: collections' items, the source of truth every shard index is built from.
-- One row per (service, collection incarnation, item id); `seq` increases per shard with every write of the row, so a
-- shard that loaded an index snapshot replays only rows above the sequence it covers. A delete leaves a tombstone
-- (vector NULL, bytes 0) so the replay removes the item too. `metadata` is UTF-8 JSON, `vector` float32 little-endian.
-- No pgvector: search runs in the shard grains' indexes, not in the database.
CREATE TABLE IF NOT EXISTS clipgrains_collection_items (
    service_id     text        NOT NULL,
    collection_uid text        NOT NULL,
    item_id        text        NOT NULL,
    shard          integer     NOT NULL,
    seq            bigint      NOT NULL,
    vector         bytea,
    metadata       bytea       NOT NULL,
    thumbnail      bytea,
    bytes          bigint      NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (service_id, collection_uid, item_id)
);
CREATE INDEX IF NOT EXISTS clipgrains_collection_items_shard_seq ON clipgrains_collection_items (service_id, collection_uid, shard, seq);

-- Usage records name the collection a request stored into, searched or tagged ('' for other routes); reports sum them
-- per collection from the rows of collection routes only.
ALTER TABLE clipgrains_usage ADD COLUMN IF NOT EXISTS collection text NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS clipgrains_usage_collection ON clipgrains_usage (service_id, tenant_id, at) WHERE collection <> '';
