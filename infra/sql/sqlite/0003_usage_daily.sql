-- ClipGrains embedded schema, version 3: daily roll-ups of the usage log, so a report costs the same at any volume.
-- One row per tenant, UTC day ('YYYY-MM-DD'), key and model; a trigger adds each inserted record (a record written
-- twice is not inserted the second time, so it is not added either). The existing log is summed into it here.
CREATE TABLE IF NOT EXISTS usage_daily (
    tenant_id         TEXT    NOT NULL,
    day               TEXT    NOT NULL,
    key_id            TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    requests          INTEGER NOT NULL,
    images            INTEGER NOT NULL,
    texts             INTEGER NOT NULL,
    credits           INTEGER NOT NULL,
    refused           INTEGER NOT NULL,
    refused_decode_ms INTEGER NOT NULL,
    stored_responses  INTEGER NOT NULL,
    stored_bytes      INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, day, key_id, model));

CREATE TRIGGER IF NOT EXISTS usage_log_roll_up AFTER INSERT ON usage_log
BEGIN
    INSERT INTO usage_daily (tenant_id, day, key_id, model, requests, images, texts, credits, refused, refused_decode_ms, stored_responses, stored_bytes)
    VALUES (NEW.tenant_id, strftime('%Y-%m-%d', NEW.at / 1000, 'unixepoch'), NEW.key_id, NEW.model,
            NEW.refused = 0, CASE WHEN NEW.refused = 0 THEN NEW.images ELSE 0 END, CASE WHEN NEW.refused = 0 THEN NEW.texts ELSE 0 END,
            NEW.credits, NEW.refused, CASE WHEN NEW.refused = 1 THEN NEW.decode_ms ELSE 0 END, NEW.stored_bytes > 0, NEW.stored_bytes)
    ON CONFLICT (tenant_id, day, key_id, model) DO UPDATE SET
        requests = requests + excluded.requests, images = images + excluded.images, texts = texts + excluded.texts,
        credits = credits + excluded.credits, refused = refused + excluded.refused, refused_decode_ms = refused_decode_ms + excluded.refused_decode_ms,
        stored_responses = stored_responses + excluded.stored_responses, stored_bytes = stored_bytes + excluded.stored_bytes;
END;

DELETE FROM usage_daily;
INSERT INTO usage_daily (tenant_id, day, key_id, model, requests, images, texts, credits, refused, refused_decode_ms, stored_responses, stored_bytes)
SELECT tenant_id, strftime('%Y-%m-%d', at / 1000, 'unixepoch'), key_id, model,
       SUM(refused = 0), SUM(CASE WHEN refused = 0 THEN images ELSE 0 END), SUM(CASE WHEN refused = 0 THEN texts ELSE 0 END), SUM(credits),
       SUM(refused), SUM(CASE WHEN refused = 1 THEN decode_ms ELSE 0 END), SUM(stored_bytes > 0), SUM(stored_bytes)
FROM usage_log GROUP BY 1, 2, 3, 4;
