CREATE TABLE models (
    id              uuid PRIMARY KEY,
    name            text        NOT NULL,
    format          text        NOT NULL CHECK (format IN ('ONNX')),
    storage_key     text        NOT NULL UNIQUE,
    size_bytes      bigint      NOT NULL CHECK (size_bytes > 0),
    sha256          text        NOT NULL,
    inspection      jsonb       NOT NULL,
    parent_model_id uuid REFERENCES models (id) ON DELETE SET NULL,
    source_job_id   uuid,
    created_at      timestamptz NOT NULL
);
CREATE INDEX models_newest_first ON models (created_at DESC, id DESC);

CREATE TABLE jobs (
    id               uuid PRIMARY KEY,
    model_id         uuid REFERENCES models (id) ON DELETE SET NULL,
    status           text             NOT NULL
        CHECK (status IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLING', 'CANCELLED')),
    device           text             NOT NULL CHECK (device IN ('auto', 'cpu', 'gpu')),
    spec             jsonb            NOT NULL,
    progress         double precision NOT NULL DEFAULT 0,
    progress_message text,
    attempts         integer          NOT NULL DEFAULT 0,
    max_attempts     integer          NOT NULL CHECK (max_attempts > 0),
    lease_owner      text,
    lease_expires_at timestamptz,
    worker_device    text,
    error            jsonb,
    result_model_id  uuid REFERENCES models (id) ON DELETE SET NULL,
    created_at       timestamptz      NOT NULL,
    updated_at       timestamptz      NOT NULL,
    started_at       timestamptz,
    finished_at      timestamptz
);
-- The claim query reads the oldest queued job; the reaper reads expired leases.
CREATE INDEX jobs_queued ON jobs (created_at, id) WHERE status = 'QUEUED';
CREATE INDEX jobs_leased ON jobs (lease_expires_at) WHERE status IN ('RUNNING', 'CANCELLING');
CREATE INDEX jobs_newest_first ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_by_model ON jobs (model_id);

ALTER TABLE models
    ADD CONSTRAINT models_source_job_fk FOREIGN KEY (source_job_id) REFERENCES jobs (id) ON DELETE SET NULL;

CREATE TABLE job_metrics (
    id         bigserial PRIMARY KEY,
    job_id     uuid             NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    -- original | result: a model measured; fidelity: the result against the original; step: what a step did;
    -- job: the job as a whole.
    subject    text             NOT NULL CHECK (subject IN ('original', 'result', 'fidelity', 'step', 'job')),
    name       text             NOT NULL,
    unit       text             NOT NULL,
    batch_size integer,
    step_index integer,
    step_type  text,
    value      double precision NOT NULL
);
CREATE INDEX job_metrics_by_job ON job_metrics (job_id);
