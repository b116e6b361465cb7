-- ClipGrains embedded schema, version 4: collections' items, the source of truth every shard index is built from.
-- One row per (collection incarnation, item id); `seq` increases per shard with every write of the row, so a shard that
-- loaded an index snapshot replays only rows above the sequence it covers. A delete leaves a tombstone (vector NULL,
-- bytes 0) so the replay removes the item too. `metadata` is UTF-8 JSON, `vector` float32 little-endian, `updated_at`
-- unix milliseconds (UTC).
CREATE TABLE IF NOT EXISTS collection_items (
    collection_uid TEXT    NOT NULL,
    item_id        TEXT    NOT NULL,
    shard          INTEGER NOT NULL,
    seq            INTEGER NOT NULL,
    vector         BLOB,
    metadata       BLOB    NOT NULL,
    thumbnail      BLOB,
    bytes          INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (collection_uid, item_id));
CREATE INDEX IF NOT EXISTS collection_items_shard_seq ON collection_items (collection_uid, shard, seq);

-- Usage records name the collection a request stored into, searched or tagged ('' for other routes); reports sum them
-- per collection from the rows of collection routes only.
ALTER TABLE usage_log ADD COLUMN collection TEXT NOT NULL DEFAULT '';
CREATE INDEX IF NOT EXISTS usage_log_collection ON usage_log (tenant_id, at) WHERE collection <> '';
