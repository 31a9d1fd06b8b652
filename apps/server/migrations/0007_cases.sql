-- The case center (一网统管): one case model for every channel, a bilingual category tree,
-- routing rules, the timeline, followers, attachments and in-app notifications.
-- See docs/cases.md and docs/adr/0010-case-workflow-and-escalation.md.

CREATE TABLE case_categories (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  parent_id uuid REFERENCES case_categories (id),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  -- The department type that takes the case when it is handed to a department (transfer, rules).
  department text,
  response_hours integer NOT NULL CHECK (response_hours > 0),
  resolution_hours integer NOT NULL CHECK (resolution_hours > 0),
  requires_photo boolean NOT NULL DEFAULT false,
  duplicate_radius_m integer NOT NULL DEFAULT 100 CHECK (duplicate_radius_m BETWEEN 1 AND 5000),
  -- Extra attribute definitions (Open311 service attributes): [{code, datatype, required, ...}].
  attributes jsonb NOT NULL DEFAULT '[]'::jsonb,
  active boolean NOT NULL DEFAULT true,
  sort integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_categories_parent_idx ON case_categories (parent_id);

-- Category (or any) + org unit subtree -> responsible unit / department / role. The most specific
-- rule wins: deepest unit, then exact category over a parent category over "any", then priority.
CREATE TABLE routing_rules (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  category_id uuid REFERENCES case_categories (id) ON DELETE CASCADE,
  org_unit_id uuid NOT NULL REFERENCES org_units (id) ON DELETE CASCADE,
  target_unit_id uuid REFERENCES org_units (id) ON DELETE CASCADE,
  target_department text,
  target_role text NOT NULL CHECK (target_role IN ('grid_worker', 'community_admin', 'street_officer',
    'district_commander', 'department_staff')),
  priority integer NOT NULL DEFAULT 0,
  note text NOT NULL DEFAULT '',
  version integer NOT NULL DEFAULT 1,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_rules_unit_idx ON routing_rules (org_unit_id);

CREATE SEQUENCE case_ref_seq;

CREATE TABLE cases (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ref text NOT NULL UNIQUE,
  channel text NOT NULL CHECK (channel IN ('resident_report', 'open311', 'hotline', 'walk_in', 'patrol',
    'external_api', 'sensor_alarm')),
  -- An outside system's id for the same report (alarm id, partner ticket): makes intake idempotent.
  source_ref text,
  category_id uuid NOT NULL REFERENCES case_categories (id),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  address text,
  lat double precision NOT NULL,
  lng double precision NOT NULL,
  h3 text NOT NULL,
  org_unit_id uuid NOT NULL REFERENCES org_units (id),
  attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
  state text NOT NULL CHECK (state IN ('submitted', 'accepted', 'rejected', 'duplicate', 'assigned',
    'in_progress', 'pending_info', 'resolved', 'closed', 'reopened')),
  paused_from text,
  paused_at timestamptz,
  reporter_id uuid REFERENCES users (id),
  created_by uuid REFERENCES users (id),
  responsible_unit_id uuid NOT NULL REFERENCES org_units (id),
  responsible_department text,
  responsible_role text NOT NULL,
  assignee_id uuid REFERENCES users (id),
  escalation_level integer NOT NULL DEFAULT 0,
  supervised boolean NOT NULL DEFAULT false,
  supervised_by_unit_id uuid REFERENCES org_units (id),
  supervised_at timestamptz,
  supervision_note text,
  response_due_at timestamptz NOT NULL,
  resolution_due_at timestamptz NOT NULL,
  response_reminded boolean NOT NULL DEFAULT false,
  resolution_reminded boolean NOT NULL DEFAULT false,
  responded_at timestamptz,
  resolved_at timestamptz,
  closed_at timestamptz,
  resolution_note text,
  rejection_reason text,
  duplicate_of uuid REFERENCES cases (id),
  satisfaction integer CHECK (satisfaction BETWEEN 1 AND 5),
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX cases_source_idx ON cases (channel, source_ref) WHERE source_ref IS NOT NULL;
CREATE INDEX cases_unit_idx ON cases (org_unit_id, created_at);
CREATE INDEX cases_responsible_idx ON cases (responsible_unit_id, state);
CREATE INDEX cases_state_due_idx ON cases (state, response_due_at, resolution_due_at);
CREATE INDEX cases_h3_idx ON cases (h3, category_id);
CREATE INDEX cases_reporter_idx ON cases (reporter_id);
CREATE INDEX cases_assignee_idx ON cases (assignee_id, state);

-- The timeline: every event with who, what, when and from which state to which.
CREATE TABLE case_events (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  at timestamptz NOT NULL,
  actor_id uuid REFERENCES users (id),
  actor_name text,
  actor_role text,
  action text NOT NULL,
  from_state text,
  to_state text,
  -- 'internal' rows (staff notes, routing details) never reach the resident-facing view.
  visibility text NOT NULL CHECK (visibility IN ('public', 'internal')),
  note text,
  data jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX case_events_case_idx ON case_events (case_id, at);

CREATE TABLE case_followers (
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  reason text NOT NULL CHECK (reason IN ('reporter', 'merged', 'follow')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_followers_user_idx ON case_followers (user_id);

-- Filled by the attachment storage; the workflow only counts photos (resolution evidence).
CREATE TABLE case_attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
  storage_key text NOT NULL UNIQUE,
  file_name text NOT NULL DEFAULT '',
  mime text NOT NULL,
  size bigint NOT NULL CHECK (size >= 0),
  sha256 text NOT NULL,
  purpose text NOT NULL DEFAULT 'report' CHECK (purpose IN ('report', 'resolution', 'other')),
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_attachments_case_idx ON case_attachments (case_id, created_at);

-- In-app notifications, one row per recipient. Other channels (SMS, push) read the same rows.
CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind text NOT NULL,
  case_id uuid REFERENCES cases (id) ON DELETE CASCADE,
  title_zh text NOT NULL,
  title_en text NOT NULL,
  body_zh text NOT NULL DEFAULT '',
  body_en text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Default categories (the issue's list). Deadlines are hours; a parent's children inherit nothing
-- implicitly, each row is complete so routing and deadlines never walk the tree.
INSERT INTO case_categories (code, parent_id, name_zh, name_en, department, response_hours, resolution_hours,
  requires_photo, duplicate_radius_m, sort) VALUES
  ('sanitation', NULL, '环境卫生', 'Sanitation', 'urban_management', 4, 48, true, 100, 10),
  ('road_facility', NULL, '道路设施损坏', 'Road and facility damage', 'urban_management', 8, 72, true, 50, 20),
  ('noise', NULL, '噪音扰民', 'Noise', 'environment', 2, 24, false, 150, 30),
  ('environment', NULL, '生态环境', 'Environment', 'environment', 4, 72, true, 200, 40),
  ('safety_hazard', NULL, '安全隐患', 'Safety hazard', 'police', 1, 24, true, 100, 50),
  ('neighbour_dispute', NULL, '邻里纠纷', 'Neighbour dispute', 'civil_affairs', 24, 168, false, 30, 60),
  ('elderly_assistance', NULL, '助老服务', 'Elderly assistance', 'civil_affairs', 1, 24, false, 30, 70),
  ('illegal_construction', NULL, '违法建设', 'Illegal construction', 'urban_management', 24, 240, true, 50, 80),
  ('parking', NULL, '停车管理', 'Parking', 'police', 4, 48, false, 50, 90),
  ('greenery', NULL, '绿化养护', 'Greenery', 'urban_management', 24, 168, true, 100, 100),
  ('water_drainage', NULL, '供水排水', 'Water and drainage', 'housing', 2, 48, true, 150, 110),
  ('other', NULL, '其他', 'Other', NULL, 24, 168, false, 50, 120)
ON CONFLICT (code) DO NOTHING;

INSERT INTO case_categories (code, parent_id, name_zh, name_en, department, response_hours, resolution_hours,
  requires_photo, duplicate_radius_m, sort)
SELECT c.code, p.id, c.name_zh, c.name_en, p.department, c.response_hours, c.resolution_hours, c.requires_photo,
  c.duplicate_radius_m, c.sort
FROM (VALUES
  ('road_facility.pothole', 'road_facility', '路面坑洼', 'Pothole', 8, 72, true, 30, 21),
  ('road_facility.streetlight', 'road_facility', '路灯故障', 'Streetlight out', 8, 48, true, 30, 22),
  ('sanitation.overflowing_bin', 'sanitation', '垃圾满溢', 'Overflowing bin', 2, 12, true, 30, 11),
  ('water_drainage.waterlogging', 'water_drainage', '道路积水', 'Waterlogging', 1, 12, true, 200, 111)
) AS c (code, parent_code, name_zh, name_en, response_hours, resolution_hours, requires_photo,
  duplicate_radius_m, sort)
JOIN case_categories p ON p.code = c.parent_code
ON CONFLICT (code) DO NOTHING;
