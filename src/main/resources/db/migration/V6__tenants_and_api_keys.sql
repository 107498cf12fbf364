-- Tenants own every model, dataset and job; API keys authenticate requests as one tenant. A quota that is NULL takes
-- the configured default (condenser.quotas.*), which may itself be unlimited.
CREATE TABLE tenants (
    id                  uuid PRIMARY KEY,
    name                text        NOT NULL UNIQUE CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    max_stored_bytes    bigint CHECK (max_stored_bytes >= 0),
    max_concurrent_jobs integer CHECK (max_concurrent_jobs >= 0),
    requests_per_minute integer CHECK (requests_per_minute > 0),
    created_at          timestamptz NOT NULL
);
INSERT INTO tenants (id, name, created_at) VALUES (gen_random_uuid(), 'default', now());

-- Keys are long random secrets: only a SHA-256 of the secret is kept, and a short prefix of it that is shown to tell
-- keys apart and to find the candidate rows of a presented key.
CREATE TABLE api_keys (
    id            uuid PRIMARY KEY,
    tenant_id     uuid        NOT NULL REFERENCES tenants (id),
    name          text        NOT NULL,
    prefix        text        NOT NULL,
    secret_sha256 bytea       NOT NULL UNIQUE CHECK (octet_length(secret_sha256) = 32),
    scopes        text[]      NOT NULL
        CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY ['read', 'write', 'admin']::text[]),
    created_at    timestamptz NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);

-- The request rate limit as a generic cell rate algorithm: one "theoretical arrival time" per tenant, shared by every
-- API replica.
CREATE TABLE tenant_request_rates (
    tenant_id           uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    theoretical_arrival timestamptz NOT NULL
);

-- Existing rows belong to the default tenant; new rows must name theirs (no column default).
ALTER TABLE models ADD COLUMN tenant_id uuid REFERENCES tenants (id);
ALTER TABLE datasets ADD COLUMN tenant_id uuid REFERENCES tenants (id);
ALTER TABLE jobs ADD COLUMN tenant_id uuid REFERENCES tenants (id);
ALTER TABLE idempotency_keys ADD COLUMN tenant_id uuid REFERENCES tenants (id);
UPDATE models SET tenant_id = (SELECT id FROM tenants WHERE name = 'default');
UPDATE datasets SET tenant_id = (SELECT id FROM tenants WHERE name = 'default');
UPDATE jobs SET tenant_id = (SELECT id FROM tenants WHERE name = 'default');
UPDATE idempotency_keys SET tenant_id = (SELECT id FROM tenants WHERE name = 'default');
ALTER TABLE models ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE datasets ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE jobs ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE idempotency_keys ALTER COLUMN tenant_id SET NOT NULL;

-- Every listing is one tenant's, newest first; the stored-bytes quota sums a tenant's models and datasets.
DROP INDEX models_newest_first;
DROP INDEX datasets_newest_first;
DROP INDEX jobs_newest_first;
CREATE INDEX models_newest_first ON models (tenant_id, created_at DESC, id DESC);
CREATE INDEX datasets_newest_first ON datasets (tenant_id, created_at DESC, id DESC);
CREATE INDEX jobs_newest_first ON jobs (tenant_id, created_at DESC, id DESC);
-- The concurrent-jobs quota counts a tenant's unfinished jobs.
CREATE INDEX jobs_unfinished_by_tenant ON jobs (tenant_id) WHERE status IN ('QUEUED', 'RUNNING', 'CANCELLING');

-- The same Idempotency-Key sent by two tenants names two different requests.
ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
ALTER TABLE idempotency_keys ADD PRIMARY KEY (tenant_id, scope, key);
