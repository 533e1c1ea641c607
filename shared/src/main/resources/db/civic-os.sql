-- The Civic OS objects the workers touch (tables in schema metadata, RPCs in public), as Civic OS
-- (a55f861 and later) defines them. Written for civic-workers from the column tables in the reference;
-- local and test use only. Row-level security, grants and PostgREST views are left out: the workers run
-- as a role that owns the tables (see the README).
-- ${schema} is the River schema the triggers insert jobs into. SchemaInstaller runs this only when
-- metadata.files does not exist yet, so a real Civic OS database is never changed.

CREATE SCHEMA IF NOT EXISTS metadata;

-- UUID version 7 (RFC 9562): 48-bit Unix milliseconds, version 7, random rest. Built on the core
-- gen_random_uuid() so no extension is needed.
CREATE OR REPLACE FUNCTION public.uuid_generate_v7() RETURNS uuid
LANGUAGE plpgsql VOLATILE AS $fn$
DECLARE
  millis bigint := floor(extract(epoch FROM clock_timestamp()) * 1000);
  bytes bytea := uuid_send(gen_random_uuid());
BEGIN
  bytes := overlay(bytes PLACING substring(int8send(millis) FROM 3) FROM 1 FOR 6);
  bytes := set_byte(bytes, 6, (get_byte(bytes, 6) & 15) | 112);
  RETURN encode(bytes, 'hex')::uuid;
END
$fn$;

-- PostgREST passes the caller's JWT claims as a transaction setting; outside PostgREST this is NULL.
CREATE OR REPLACE FUNCTION metadata.current_user_id() RETURNS uuid
LANGUAGE sql STABLE AS $fn$
  SELECT nullif(nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub', '')::uuid;
$fn$;

DO $do$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = 'metadata' AND t.typname = 'email_address') THEN
    CREATE DOMAIN metadata.email_address AS varchar(255)
      CHECK (VALUE ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                 WHERE n.nspname = 'metadata' AND t.typname = 'phone_number') THEN
    CREATE DOMAIN metadata.phone_number AS varchar(10) CHECK (VALUE ~ '^[0-9]{10}$');
  END IF;
END
$do$;

-- Users ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS metadata.civic_os_users (
  id uuid PRIMARY KEY,
  display_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS metadata.civic_os_users_private (
  id uuid PRIMARY KEY REFERENCES metadata.civic_os_users (id) ON DELETE CASCADE,
  display_name text NOT NULL,
  phone varchar(255),
  email varchar(255),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS metadata.notification_preferences (
  user_id uuid NOT NULL REFERENCES metadata.civic_os_users (id) ON DELETE CASCADE,
  channel varchar(20) NOT NULL CHECK (channel IN ('email', 'sms')),
  enabled boolean NOT NULL DEFAULT true,
  email_address metadata.email_address,
  phone_number metadata.phone_number,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, channel)
);
CREATE INDEX IF NOT EXISTS idx_notification_preferences_user_id
  ON metadata.notification_preferences (user_id);

-- Every new private profile gets an email preference row (and an SMS row when the phone has 10 digits).
CREATE OR REPLACE FUNCTION metadata.create_default_notification_preferences() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $fn$
BEGIN
  INSERT INTO metadata.notification_preferences (user_id, channel, enabled, email_address)
  VALUES (NEW.id, 'email', true, NEW.email)
  ON CONFLICT (user_id, channel) DO NOTHING;
  IF NEW.phone IS NOT NULL AND regexp_replace(NEW.phone, '[^0-9]', '', 'g') ~ '^[0-9]{10}$' THEN
    INSERT INTO metadata.notification_preferences (user_id, channel, enabled, phone_number)
    VALUES (NEW.id, 'sms', false, regexp_replace(NEW.phone, '[^0-9]', '', 'g'))
    ON CONFLICT (user_id, channel) DO NOTHING;
  END IF;
  RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS create_default_notification_preferences ON metadata.civic_os_users_private;
CREATE TRIGGER create_default_notification_preferences
  AFTER INSERT ON metadata.civic_os_users_private
  FOR EACH ROW EXECUTE FUNCTION metadata.create_default_notification_preferences();

-- Files ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS metadata.file_upload_requests (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  file_name text NOT NULL,
  file_type text NOT NULL,
  status text DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
  presigned_url text,
  s3_key text,
  file_id uuid,
  error_message text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_upload_requests_status ON metadata.file_upload_requests (status, created_at);

CREATE TABLE IF NOT EXISTS metadata.files (
  id uuid PRIMARY KEY DEFAULT public.uuid_generate_v7(),
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  file_name text NOT NULL,
  file_type text NOT NULL,
  file_size integer NOT NULL,
  s3_key_prefix text GENERATED ALWAYS AS (entity_type || '/' || entity_id || '/' || id::text) STORED,
  s3_original_key text NOT NULL,
  s3_thumbnail_small_key text,
  s3_thumbnail_medium_key text,
  s3_thumbnail_large_key text,
  thumbnail_status text DEFAULT 'pending'
    CHECK (thumbnail_status IN ('pending', 'processing', 'completed', 'failed', 'not_applicable')),
  thumbnail_error text,
  created_by uuid REFERENCES metadata.civic_os_users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  s3_bucket varchar(255) NOT NULL DEFAULT 'civic-os-files'
);
CREATE INDEX IF NOT EXISTS idx_files_entity ON metadata.files (entity_type, entity_id);
CREATE INDEX IF NOT EXISTS idx_files_pending ON metadata.files (thumbnail_status, created_at)
  WHERE thumbnail_status IN ('pending', 'failed');
CREATE INDEX IF NOT EXISTS idx_files_created ON metadata.files (created_at DESC);

CREATE OR REPLACE FUNCTION metadata.set_file_created_by() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF NEW.created_by IS NULL THEN
    NEW.created_by := metadata.current_user_id();
  END IF;
  RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS set_file_created_by ON metadata.files;
CREATE TRIGGER set_file_created_by BEFORE INSERT ON metadata.files
  FOR EACH ROW EXECUTE FUNCTION metadata.set_file_created_by();

-- Job producers: the three triggers set only kind, args, queue, priority and max_attempts
-- (plus scheduled_at and state for the notifications queue); everything else is a column default.

CREATE OR REPLACE FUNCTION metadata.insert_s3_presign_job() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = metadata, public AS $fn$
BEGIN
  INSERT INTO ${schema}.river_job (kind, args, queue, priority, max_attempts)
  VALUES ('s3_presign',
          jsonb_build_object('request_id', NEW.id::text, 'file_name', NEW.file_name,
                             'file_type', NEW.file_type, 'entity_type', NEW.entity_type,
                             'entity_id', NEW.entity_id),
          's3_signer', 1, 25);
  RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS insert_s3_presign_job_trigger ON metadata.file_upload_requests;
CREATE TRIGGER insert_s3_presign_job_trigger AFTER INSERT ON metadata.file_upload_requests
  FOR EACH ROW EXECUTE FUNCTION metadata.insert_s3_presign_job();

CREATE OR REPLACE FUNCTION metadata.insert_thumbnail_job() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $fn$
BEGIN
  IF NEW.thumbnail_status = 'pending' THEN
    INSERT INTO ${schema}.river_job (kind, args, queue, priority, max_attempts)
    VALUES ('thumbnail_generate', jsonb_build_object('file_id', NEW.id::text), 'thumbnails', 1, 25);
  END IF;
  RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS insert_thumbnail_job_trigger ON metadata.files;
CREATE TRIGGER insert_thumbnail_job_trigger AFTER INSERT ON metadata.files
  FOR EACH ROW EXECUTE FUNCTION metadata.insert_thumbnail_job();

CREATE OR REPLACE FUNCTION public.request_upload_url(
  p_entity_type text, p_entity_id text, p_file_name text, p_file_type text) RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER AS $fn$
DECLARE
  v_id uuid;
BEGIN
  INSERT INTO metadata.file_upload_requests (entity_type, entity_id, file_name, file_type)
  VALUES (p_entity_type, p_entity_id, p_file_name, p_file_type)
  RETURNING id INTO v_id;
  RETURN v_id;
END
$fn$;

CREATE OR REPLACE FUNCTION public.get_upload_url(p_request_id uuid)
RETURNS TABLE (status text, url text, file_id uuid, error text)
LANGUAGE sql STABLE SECURITY DEFINER AS $fn$
  SELECT r.status, r.presigned_url, r.file_id, r.error_message
  FROM metadata.file_upload_requests r WHERE r.id = p_request_id;
$fn$;

-- Notifications ---------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS metadata.notification_templates (
  id serial PRIMARY KEY,
  name varchar(100) NOT NULL UNIQUE,
  description text,
  subject_template text NOT NULL,
  html_template text NOT NULL,
  text_template text NOT NULL,
  sms_template text,
  entity_type varchar(100),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS metadata.notifications (
  id bigserial PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES metadata.civic_os_users (id) ON DELETE CASCADE,
  template_name varchar(100) NOT NULL REFERENCES metadata.notification_templates (name),
  entity_type varchar(100),
  entity_id varchar(100),
  entity_data jsonb,
  channels text[] NOT NULL DEFAULT '{email}'
    CHECK (cardinality(channels) > 0 AND channels <@ ARRAY['email', 'sms']),
  status varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  sent_at timestamptz,
  error_message text,
  channels_sent text[],
  channels_failed text[],
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_notifications_user_id ON metadata.notifications (user_id);
CREATE INDEX IF NOT EXISTS idx_notifications_status ON metadata.notifications (status);
CREATE INDEX IF NOT EXISTS idx_notifications_created_at ON metadata.notifications (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_notifications_entity ON metadata.notifications (entity_type, entity_id);
CREATE INDEX IF NOT EXISTS idx_notifications_template ON metadata.notifications (template_name);

CREATE OR REPLACE FUNCTION metadata.enqueue_notification_job() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER AS $fn$
BEGIN
  INSERT INTO ${schema}.river_job (kind, args, queue, priority, max_attempts, scheduled_at, state)
  VALUES ('send_notification',
          jsonb_build_object('notification_id', NEW.id::text, 'user_id', NEW.user_id::text,
                             'template_name', NEW.template_name, 'entity_type', NEW.entity_type,
                             'entity_id', NEW.entity_id, 'entity_data', NEW.entity_data,
                             'channels', to_jsonb(NEW.channels)),
          'notifications', 1, 5, now(), 'available');
  RETURN NEW;
END
$fn$;
DROP TRIGGER IF EXISTS enqueue_notification_job_trigger ON metadata.notifications;
CREATE TRIGGER enqueue_notification_job_trigger AFTER INSERT ON metadata.notifications
  FOR EACH ROW EXECUTE FUNCTION metadata.enqueue_notification_job();

CREATE OR REPLACE FUNCTION public.create_notification(
  p_user_id uuid, p_template_name varchar, p_entity_type varchar DEFAULT NULL,
  p_entity_id varchar DEFAULT NULL, p_entity_data jsonb DEFAULT NULL,
  p_channels text[] DEFAULT '{email}') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER AS $fn$
DECLARE
  v_id bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM metadata.notification_templates WHERE name = p_template_name) THEN
    RAISE EXCEPTION 'Template not found: %', p_template_name;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM metadata.civic_os_users WHERE id = p_user_id) THEN
    RAISE EXCEPTION 'User not found: %', p_user_id;
  END IF;
  IF p_channels IS NULL OR cardinality(p_channels) = 0 OR NOT (p_channels <@ ARRAY['email', 'sms']) THEN
    RAISE EXCEPTION 'Invalid channels: %', p_channels;
  END IF;
  INSERT INTO metadata.notifications (user_id, template_name, entity_type, entity_id, entity_data, channels)
  VALUES (p_user_id, p_template_name, p_entity_type, p_entity_id, p_entity_data, p_channels)
  RETURNING id INTO v_id;
  RETURN v_id;
END
$fn$;

-- Template validation and preview -----------------------------------------------------------------

CREATE TABLE IF NOT EXISTS metadata.template_validation_results (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  subject_template text,
  html_template text,
  text_template text,
  sms_template text,
  status varchar(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed')),
  created_at timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX IF NOT EXISTS idx_template_validation_status
  ON metadata.template_validation_results (status, created_at);

CREATE TABLE IF NOT EXISTS metadata.template_part_validation_results (
  id serial PRIMARY KEY,
  validation_id uuid NOT NULL REFERENCES metadata.template_validation_results (id) ON DELETE CASCADE,
  part_name varchar(20) NOT NULL CHECK (part_name IN ('subject', 'html', 'text', 'sms')),
  valid boolean NOT NULL,
  error_message text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idx_template_part_validation_id
  ON metadata.template_part_validation_results (validation_id);

CREATE OR REPLACE FUNCTION public.validate_template_parts(
  p_validation_id uuid DEFAULT gen_random_uuid(), p_subject_template text DEFAULT NULL,
  p_html_template text DEFAULT NULL, p_text_template text DEFAULT NULL, p_sms_template text DEFAULT NULL)
RETURNS TABLE (validation_id uuid)
LANGUAGE plpgsql SECURITY DEFINER AS $fn$
BEGIN
  IF p_subject_template IS NULL AND p_html_template IS NULL AND p_text_template IS NULL
     AND p_sms_template IS NULL THEN
    RAISE EXCEPTION 'At least one template part must be provided';
  END IF;
  INSERT INTO metadata.template_validation_results
    (id, subject_template, html_template, text_template, sms_template, status)
  VALUES (p_validation_id, p_subject_template, p_html_template, p_text_template, p_sms_template, 'pending');
  INSERT INTO ${schema}.river_job (kind, args, queue, priority, max_attempts, scheduled_at, state)
  VALUES ('validate_template_parts',
          jsonb_build_object('validation_id', p_validation_id::text,
                             'subject_template', p_subject_template, 'html_template', p_html_template,
                             'text_template', p_text_template, 'sms_template', p_sms_template),
          'notifications', 4, 3, now(), 'available');
  RETURN QUERY SELECT p_validation_id;
END
$fn$;

CREATE OR REPLACE FUNCTION public.preview_template_parts(
  p_validation_id uuid DEFAULT gen_random_uuid(), p_subject_template text DEFAULT NULL,
  p_html_template text DEFAULT NULL, p_text_template text DEFAULT NULL, p_sms_template text DEFAULT NULL,
  p_sample_entity_data jsonb DEFAULT NULL)
RETURNS TABLE (validation_id uuid)
LANGUAGE plpgsql SECURITY DEFINER AS $fn$
BEGIN
  IF p_subject_template IS NULL AND p_html_template IS NULL AND p_text_template IS NULL
     AND p_sms_template IS NULL THEN
    RAISE EXCEPTION 'At least one template part must be provided';
  END IF;
  INSERT INTO metadata.template_validation_results
    (id, subject_template, html_template, text_template, sms_template, status)
  VALUES (p_validation_id, p_subject_template, p_html_template, p_text_template, p_sms_template, 'pending');
  INSERT INTO ${schema}.river_job (kind, args, queue, priority, max_attempts, scheduled_at, state)
  VALUES ('preview_template_parts',
          jsonb_build_object('validation_id', p_validation_id::text,
                             'subject_template', p_subject_template, 'html_template', p_html_template,
                             'text_template', p_text_template, 'sms_template', p_sms_template,
                             'sample_entity_data',
                             coalesce(p_sample_entity_data, '{"display_name": "Example Entity", "id": 1}'::jsonb)),
          'notifications', 4, 3, now(), 'available');
  RETURN QUERY SELECT p_validation_id;
END
$fn$;

CREATE OR REPLACE FUNCTION public.get_validation_results(p_validation_id uuid)
RETURNS TABLE (status text, part_name text, valid boolean, error_message text)
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $fn$
DECLARE
  v_status text;
BEGIN
  SELECT r.status INTO v_status FROM metadata.template_validation_results r WHERE r.id = p_validation_id;
  IF v_status IS NULL THEN
    RAISE EXCEPTION 'Validation not found: %', p_validation_id;
  END IF;
  IF v_status <> 'completed' THEN
    RETURN QUERY SELECT v_status, NULL::text, NULL::boolean, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT v_status, p.part_name::text, p.valid, p.error_message
    FROM metadata.template_part_validation_results p
    WHERE p.validation_id = p_validation_id
    ORDER BY array_position(ARRAY['subject', 'html', 'text', 'sms'], p.part_name::text), p.id;
END
$fn$;

CREATE OR REPLACE FUNCTION public.get_preview_results(p_validation_id uuid)
RETURNS TABLE (status text, part_name text, rendered_output text, error_message text)
LANGUAGE plpgsql STABLE SECURITY DEFINER AS $fn$
DECLARE
  v_status text;
BEGIN
  SELECT r.status INTO v_status FROM metadata.template_validation_results r WHERE r.id = p_validation_id;
  IF v_status IS NULL THEN
    RAISE EXCEPTION 'Preview not found: %', p_validation_id;
  END IF;
  IF v_status <> 'completed' THEN
    RETURN QUERY SELECT v_status, NULL::text, NULL::text, NULL::text;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT v_status, p.part_name::text,
           CASE WHEN p.valid THEN p.error_message END,
           CASE WHEN NOT p.valid THEN p.error_message END
    FROM metadata.template_part_validation_results p
    WHERE p.validation_id = p_validation_id
    ORDER BY array_position(ARRAY['subject', 'html', 'text', 'sms'], p.part_name::text), p.id;
END
$fn$;
