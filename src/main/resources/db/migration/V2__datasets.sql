CREATE TABLE datasets (
    id          uuid PRIMARY KEY,
    name        text        NOT NULL,
    format      text        NOT NULL CHECK (format IN ('NPZ', 'NPY')),
    storage_key text        NOT NULL UNIQUE,
    size_bytes  bigint      NOT NULL CHECK (size_bytes > 0),
    sha256      text        NOT NULL,
    inspection  jsonb       NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX datasets_newest_first ON datasets (created_at DESC, id DESC);

-- Which datasets a job reads (calibration, evaluation): a dataset cannot be deleted while a queued or running job
-- reads it. The foreign key also stops a job from being queued on a dataset deleted at the same moment.
CREATE TABLE job_datasets (
    job_id     uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    dataset_id uuid NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    PRIMARY KEY (job_id, dataset_id)
);
CREATE INDEX job_datasets_by_dataset ON job_datasets (dataset_id);
