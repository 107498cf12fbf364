-- Idempotency-Key of POST requests: the same key and request returns the resource the first request created.
CREATE TABLE idempotency_keys (
    scope       text        NOT NULL CHECK (scope IN ('jobs', 'models', 'datasets')),
    key         text        NOT NULL,
    fingerprint text        NOT NULL,
    resource_id uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
