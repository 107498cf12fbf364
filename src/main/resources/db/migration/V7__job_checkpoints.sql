-- The latest checkpoint of each training step of a job: a worker that takes over a job whose previous worker died
-- resumes the step from it instead of starting over. The object holds the step's whole state; the row says where it
-- is and which claim wrote it.
CREATE TABLE job_checkpoints (
    job_id      uuid        NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_index  integer     NOT NULL CHECK (step_index >= 0),
    epoch       integer     NOT NULL CHECK (epoch >= 1),
    storage_key text        NOT NULL,
    size_bytes  bigint      NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (job_id, step_index)
);
