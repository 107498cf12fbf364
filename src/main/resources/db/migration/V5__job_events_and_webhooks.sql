-- What happened to a job, in order: status changes, progress, log lines and events steps record (e.g. one per training
-- epoch). Served as Server-Sent Events; the id is the SSE event id a reconnecting client resumes after.
CREATE TABLE job_events (
    id         bigserial PRIMARY KEY,
    job_id     uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    type       text        NOT NULL CHECK (type ~ '^[a-z][a-z0-9-]{0,39}$'),
    data       jsonb       NOT NULL
);
CREATE INDEX job_events_by_job ON job_events (job_id, id);

-- API replicas stream events written by worker replicas: the insert itself tells them (delivered on commit).
CREATE FUNCTION announce_job_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('condenser_job_events', NEW.job_id::text);
    RETURN NULL;
END
$$;
CREATE TRIGGER job_events_announce AFTER INSERT ON job_events FOR EACH ROW EXECUTE FUNCTION announce_job_event();

-- Jobs submitted before events existed get their current status as their one event, so that a stream of a finished job
-- ends instead of waiting for a final status that was never recorded.
INSERT INTO job_events (job_id, created_at, type, data)
SELECT id, coalesce(finished_at, updated_at), 'status',
       jsonb_strip_nulls(jsonb_build_object('status', status, 'attempt', attempts, 'workerDevice', worker_device,
                                            'message', progress_message, 'error', error,
                                            'resultModelId', result_model_id))
FROM jobs
ORDER BY created_at, id;

-- A job's webhook. The secret is kept apart from the spec (which the API returns); null: the service's signing secret.
CREATE TABLE job_webhooks (
    job_id uuid PRIMARY KEY REFERENCES jobs (id) ON DELETE CASCADE,
    url    text   NOT NULL,
    events text[] NOT NULL,
    secret text
);

-- The outbox: one row per webhook message, written in the transaction of the status change it reports, sent (and
-- retried) by the dispatcher. The id is the message's webhook-id, the same on every attempt.
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY,
    job_id           uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    event_type       text        NOT NULL,
    url              text        NOT NULL,
    payload          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL,
    finished_at      timestamptz
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_by_job ON webhook_deliveries (job_id);
