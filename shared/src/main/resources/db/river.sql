-- River's tables as Civic OS installs them: the state after River migrations 1-6, in one schema.
-- Written for civic-workers from the column tables in River's documentation; local and test use only.
-- ${schema} is replaced by the quoted schema name. Every statement is idempotent.
-- SchemaInstaller runs this only when the schema has no River migration 6 or later, so a database that
-- River (or Civic OS) already migrated, including one at migration 7, is never touched.

CREATE SCHEMA IF NOT EXISTS ${schema};

DO $do$
BEGIN
  IF NOT EXISTS (
      SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = ${schema_literal} AND t.typname = 'river_job_state') THEN
    CREATE TYPE ${schema}.river_job_state AS ENUM (
      'available', 'cancelled', 'completed', 'discarded', 'pending', 'retryable', 'running', 'scheduled');
  END IF;
END
$do$;

-- Civic OS keeps the pre-migration-5 id column; River itself only needs (line, version).
CREATE TABLE IF NOT EXISTS ${schema}.river_migration (
  id bigserial NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  version bigint NOT NULL,
  line text NOT NULL DEFAULT 'main',
  CONSTRAINT river_migration_pkey PRIMARY KEY (line, version),
  CONSTRAINT version CHECK (version >= 1)
);

CREATE TABLE IF NOT EXISTS ${schema}.river_job (
  id bigserial PRIMARY KEY,
  state ${schema}.river_job_state NOT NULL DEFAULT 'available',
  attempt smallint NOT NULL DEFAULT 0,
  max_attempts smallint NOT NULL,
  attempted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  finalized_at timestamptz,
  scheduled_at timestamptz NOT NULL DEFAULT now(),
  priority smallint NOT NULL DEFAULT 1,
  args jsonb NOT NULL,
  attempted_by text[],
  errors jsonb[],
  kind text NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  queue text NOT NULL DEFAULT 'default',
  tags varchar(255)[] NOT NULL DEFAULT '{}',
  unique_key bytea,
  unique_states bit(8),
  CONSTRAINT finalized_or_finalized_at_null CHECK (
    (finalized_at IS NULL AND state NOT IN ('cancelled', 'completed', 'discarded'))
    OR (finalized_at IS NOT NULL AND state IN ('cancelled', 'completed', 'discarded'))),
  CONSTRAINT max_attempts_is_positive CHECK (max_attempts > 0),
  CONSTRAINT priority_in_range CHECK (priority >= 1 AND priority <= 4),
  CONSTRAINT queue_length CHECK (char_length(queue) > 0 AND char_length(queue) < 128),
  CONSTRAINT kind_length CHECK (char_length(kind) > 0 AND char_length(kind) < 128)
) WITH (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_cost_delay = 1);

CREATE INDEX IF NOT EXISTS river_job_kind ON ${schema}.river_job USING btree (kind);
CREATE INDEX IF NOT EXISTS river_job_state_and_finalized_at_index
  ON ${schema}.river_job USING btree (state, finalized_at) WHERE finalized_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS river_job_prioritized_fetching_index
  ON ${schema}.river_job USING btree (state, queue, priority, scheduled_at, id);
CREATE INDEX IF NOT EXISTS river_job_args_index ON ${schema}.river_job USING gin (args);
CREATE INDEX IF NOT EXISTS river_job_metadata_index ON ${schema}.river_job USING gin (metadata);

-- Bit i of the mask (0 = leftmost) says whether uniqueness holds in a state:
-- scheduled 0, running 1, retryable 2, pending 3, discarded 4, completed 5, cancelled 6, available 7.
CREATE OR REPLACE FUNCTION ${schema}.river_job_state_in_bitmask(bitmask bit(8), state ${schema}.river_job_state)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $fn$
  SELECT get_bit(bitmask, CASE state
    WHEN 'available' THEN 7
    WHEN 'cancelled' THEN 6
    WHEN 'completed' THEN 5
    WHEN 'discarded' THEN 4
    WHEN 'pending' THEN 3
    WHEN 'retryable' THEN 2
    WHEN 'running' THEN 1
    WHEN 'scheduled' THEN 0
  END) = 1;
$fn$;

CREATE UNIQUE INDEX IF NOT EXISTS river_job_unique_idx ON ${schema}.river_job (unique_key)
  WHERE unique_key IS NOT NULL AND unique_states IS NOT NULL
    AND ${schema}.river_job_state_in_bitmask(unique_states, state);

CREATE UNLOGGED TABLE IF NOT EXISTS ${schema}.river_leader (
  elected_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  leader_id text NOT NULL,
  name text PRIMARY KEY DEFAULT 'default',
  CONSTRAINT name_length CHECK (name = 'default'),
  CONSTRAINT leader_id_length CHECK (char_length(leader_id) > 0 AND char_length(leader_id) < 128)
);

CREATE TABLE IF NOT EXISTS ${schema}.river_queue (
  name text PRIMARY KEY NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  metadata jsonb NOT NULL DEFAULT '{}',
  paused_at timestamptz,
  updated_at timestamptz NOT NULL
);

-- Migration 5 created these; nothing uses them, and migration 7 drops them again.
CREATE UNLOGGED TABLE IF NOT EXISTS ${schema}.river_client (
  id text PRIMARY KEY NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  metadata jsonb NOT NULL DEFAULT '{}',
  paused_at timestamptz,
  updated_at timestamptz NOT NULL
);

CREATE UNLOGGED TABLE IF NOT EXISTS ${schema}.river_client_queue (
  river_client_id text NOT NULL REFERENCES ${schema}.river_client (id) ON DELETE CASCADE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  max_workers bigint NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  num_jobs_completed bigint NOT NULL DEFAULT 0,
  num_jobs_running bigint NOT NULL DEFAULT 0,
  paused_at timestamptz,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (river_client_id, name)
);

INSERT INTO ${schema}.river_migration (line, version)
SELECT 'main', v FROM generate_series(1, 6) AS v
ON CONFLICT (line, version) DO NOTHING;
