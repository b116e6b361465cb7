-- ClipGrains schema, version 3: daily roll-ups of the usage log, so a report costs the same at any volume.
-- One row per service, tenant, UTC day, key and model with the sums a report shows. A statement-level trigger adds
-- every batch's inserted rows (only those: a record written twice is not in the transition table the second time),
-- so any writer keeps it — silos of this build and of the one before it alike. The existing log is summed into it in
-- the same transaction, with inserts held off meanwhile, so the roll-up starts equal to the log.
CREATE TABLE IF NOT EXISTS clipgrains_usage_daily (
    service_id        text   NOT NULL,
    tenant_id         text   NOT NULL,
    day               date   NOT NULL,
    key_id            text   NOT NULL,
    model             text   NOT NULL,
    requests          bigint NOT NULL,   -- charged (not refused) records
    images            bigint NOT NULL,
    texts             bigint NOT NULL,
    credits           bigint NOT NULL,
    refused           bigint NOT NULL,
    refused_decode_ms bigint NOT NULL,
    stored_responses  bigint NOT NULL,
    stored_bytes      bigint NOT NULL,
    PRIMARY KEY (service_id, tenant_id, day, key_id, model)
);

LOCK TABLE clipgrains_usage IN SHARE ROW EXCLUSIVE MODE;

CREATE OR REPLACE FUNCTION clipgrains_usage_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO clipgrains_usage_daily AS d
        (service_id, tenant_id, day, key_id, model, requests, images, texts, credits, refused, refused_decode_ms, stored_responses, stored_bytes)
    SELECT service_id, tenant_id, (at AT TIME ZONE 'UTC')::date, key_id, model,
           count(*) FILTER (WHERE NOT refused), coalesce(sum(images) FILTER (WHERE NOT refused), 0), coalesce(sum(texts) FILTER (WHERE NOT refused), 0),
           sum(credits), count(*) FILTER (WHERE refused), coalesce(sum(decode_ms) FILTER (WHERE refused), 0),
           count(*) FILTER (WHERE stored_bytes > 0), sum(stored_bytes)
    FROM inserted
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5   -- one order for every writer: concurrent batches lock roll-up rows without deadlocking
    ON CONFLICT (service_id, tenant_id, day, key_id, model) DO UPDATE SET
        requests = d.requests + EXCLUDED.requests, images = d.images + EXCLUDED.images, texts = d.texts + EXCLUDED.texts,
        credits = d.credits + EXCLUDED.credits, refused = d.refused + EXCLUDED.refused,
        refused_decode_ms = d.refused_decode_ms + EXCLUDED.refused_decode_ms,
        stored_responses = d.stored_responses + EXCLUDED.stored_responses, stored_bytes = d.stored_bytes + EXCLUDED.stored_bytes;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS clipgrains_usage_roll_up ON clipgrains_usage;
CREATE TRIGGER clipgrains_usage_roll_up AFTER INSERT ON clipgrains_usage
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION clipgrains_usage_roll_up();

DELETE FROM clipgrains_usage_daily;
INSERT INTO clipgrains_usage_daily
    (service_id, tenant_id, day, key_id, model, requests, images, texts, credits, refused, refused_decode_ms, stored_responses, stored_bytes)
SELECT service_id, tenant_id, (at AT TIME ZONE 'UTC')::date, key_id, model,
       count(*) FILTER (WHERE NOT refused), coalesce(sum(images) FILTER (WHERE NOT refused), 0), coalesce(sum(texts) FILTER (WHERE NOT refused), 0),
       sum(credits), count(*) FILTER (WHERE refused), coalesce(sum(decode_ms) FILTER (WHERE refused), 0),
       count(*) FILTER (WHERE stored_bytes > 0), sum(stored_bytes)
FROM clipgrains_usage
GROUP BY 1, 2, 3, 4, 5;
