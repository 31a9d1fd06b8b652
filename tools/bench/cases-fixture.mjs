// The 1,000,000-case fixture of `npm run bench:cases`: cases and their timelines spread over the
// demo district's grids and three years, bulk-loaded with INSERT … SELECT straight into the
// tables (not through the case service: a million intakes would take hours and measure nothing
// the benchmark is about). Shapes follow what the case service writes: the same states, event
// actions, from/to states, deadlines and the `pausedMs` a resume carries.
import { latLngToCell } from 'h3-js';

/** Share of cases per category code (a hotline's usual mix: sanitation, noise and roads lead). */
export const CATEGORY_MIX = [
  ['sanitation.overflowing_bin', 12],
  ['sanitation', 9],
  ['noise', 13],
  ['road_facility.pothole', 8],
  ['road_facility.streetlight', 6],
  ['road_facility', 4],
  ['parking', 10],
  ['environment', 5],
  ['safety_hazard', 4],
  ['neighbour_dispute', 6],
  ['elderly_assistance', 3],
  ['illegal_construction', 4],
  ['greenery', 4],
  ['water_drainage.waterlogging', 3],
  ['water_drainage', 4],
  ['other', 5],
];
const CHANNEL_MIX = [
  ['hotline', 38],
  ['resident_report', 30],
  ['patrol', 18],
  ['open311', 5],
  ['walk_in', 4],
  ['external_api', 2],
  ['sensor_alarm', 3],
];

/** Ray casting on the outer ring of a GeoJSON polygon. */
function inside(ring, lng, lat) {
  let hit = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > lat !== yj > lat && lng < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** Deterministic points inside each grid (mulberry32), with their H3 cell as the service computes it. */
export function gridPoints(grids, perGrid, seed = 20260401) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const points = [];
  for (const g of grids) {
    const ring = g.boundary.coordinates[0];
    const xs = ring.map((p) => p[0]);
    const ys = ring.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    let n = 0;
    for (let tries = 0; n < perGrid && tries < perGrid * 200; tries++) {
      const lng = x0 + rand() * (x1 - x0);
      const lat = y0 + rand() * (y1 - y0);
      if (!inside(ring, lng, lat)) continue;
      points.push({ gridId: g.id, gridPath: g.path, lat, lng, h3: latLngToCell(lat, lng, 10) });
      n++;
    }
  }
  return points;
}

const weightedCase = (mix, expr) => {
  const total = mix.reduce((n, [, w]) => n + w, 0);
  let acc = 0;
  const arms = mix.map(([v, w]) => {
    acc += w / total;
    return `WHEN ${expr} < ${acc.toFixed(6)} THEN '${v}'`;
  });
  return `CASE ${arms.join(' ')} ELSE '${mix.at(-1)[0]}' END`;
};

/**
 * Loads `count` cases in chunks; `log` gets progress. Returns seconds spent. The cases' lifetimes
 * are drawn per case: response within about 60 % of the category's window on average,
 * resolution within about 45 % of its window, 6 % wait on the reporter, 5 % are disputed and
 * resolved again, 4 % rejected, 3 % merged as duplicates, and anything whose next step lies in
 * the future stays open in the state it has reached by now.
 */
export async function loadCases(client, { count, points, staffId, chunk = 250_000, log = () => {} }) {
  const t0 = performance.now();
  await client.query('SET synchronous_commit = off');
  await client.query('SELECT setseed(0.4242)');
  await client.query(
    `CREATE TEMP TABLE bench_points (n int PRIMARY KEY, grid_id uuid, lat float8, lng float8, h3 text)`,
  );
  for (let i = 0; i < points.length; i += 5000) {
    const part = points.slice(i, i + 5000);
    const values = part.map(
      (_, k) =>
        `($${k * 5 + 1}::int, $${k * 5 + 2}::uuid, $${k * 5 + 3}::float8, $${k * 5 + 4}::float8, $${k * 5 + 5})`,
    );
    await client.query(
      `INSERT INTO bench_points VALUES ${values.join(',')}`,
      part.flatMap((p, k) => [i + k, p.gridId, p.lat, p.lng, p.h3]),
    );
  }
  const cats = (
    await client.query('SELECT id, code, name_en, response_hours, resolution_hours FROM case_categories')
  ).rows;
  await client.query(`CREATE TEMP TABLE bench_cats AS SELECT * FROM case_categories`);
  const npoints = points.length;
  // Bulk-load practice: secondary indexes go, and come back in one sorted build each at the end.
  const secondary = (
    await client.query(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i JOIN pg_class c ON c.relname = i.indexname
       JOIN pg_index x ON x.indexrelid = c.oid
       WHERE i.tablename IN ('cases', 'case_events') AND NOT x.indisunique AND NOT x.indisprimary`,
    )
  ).rows;
  for (const ix of secondary) await client.query(`DROP INDEX ${ix.indexname}`);
  // Rows are consistent by construction: skip the per-row foreign-key triggers, and build the
  // timeline's random-uuid primary key once at the end instead of row by row.
  await client.query(`SET session_replication_role = replica`);
  await client.query(`ALTER TABLE case_events DROP CONSTRAINT case_events_pkey`);
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(count, start + chunk);
    await client.query('BEGIN');
    await client.query(`
      CREATE TEMP TABLE bc ON COMMIT DROP AS
      WITH raw AS (
        SELECT i, random() AS r_cat, random() AS r_ch FROM generate_series(${start + 1}, ${end}) AS i
      ), draw AS (
        SELECT i, gen_random_uuid() AS id,
          ${weightedCase(CATEGORY_MIX, 'r_cat')} AS cat_code,
          ${weightedCase(CHANNEL_MIX, 'r_ch')} AS channel,
          floor(random() * ${npoints})::int AS pt,
          -- Volume grows over the three years: more recent cases are likelier.
          -- In submission order, as a live system writes them; volume grows over the three years.
          now() - make_interval(secs => 94608000 * power(1 - (i - random()) / ${count}, 1.15)) AS created_at,
          random() AS fate, random() AS r_resp, random() AS r_res, random() AS r_pause, random() AS r_pause_len,
          random() AS r_disp, random() AS r_conf, random() AS r_sat, random() AS r_stale
        FROM raw
      ), t AS (
        SELECT d.*, cat.id AS category_id, cat.name_en, cat.response_hours AS rh, cat.resolution_hours AS sh,
          -- hours after submission
          (-ln(1 - d.r_resp) * 0.6 * cat.response_hours) AS h_assign,
          CASE WHEN d.r_pause < 0.06 THEN 1 + 47 * d.r_pause_len END AS pause_h
        FROM draw d JOIN bench_cats cat ON cat.code = d.cat_code
      ), u AS (
        SELECT t.*,
          h_assign * 0.4 AS h_accept,
          h_assign + coalesce(pause_h, 0) AS h_assign_net,
          h_assign + coalesce(pause_h, 0) + 0.1 + (-ln(1 - r_res) * 0.45 * sh) AS h_resolve1,
          (r_disp < 0.05) AS disputed
        FROM t
      ), v AS (
        SELECT u.*,
          CASE WHEN disputed THEN h_resolve1 + 1 + 23 * r_conf END AS h_dispute,
          CASE WHEN disputed THEN h_resolve1 + 2 + 23 * r_conf + (-ln(1 - r_res) * 0.3 * sh) END AS h_resolve2
        FROM u
      )
      SELECT v.*, p.grid_id, p.lat, p.lng, p.h3,
        coalesce(h_resolve2, h_resolve1) + 2 + 70 * r_conf AS h_confirm,
        extract(epoch FROM now() - created_at) / 3600 AS age_h,
        CASE WHEN r_sat < 0.05 THEN 1 WHEN r_sat < 0.12 THEN 2 WHEN r_sat < 0.25 THEN 3 WHEN r_sat < 0.55 THEN 4 ELSE 5 END AS sat
      FROM v JOIN bench_points p ON p.n = v.pt`);
    // The state each case has reached by now, and the hour it got there.
    await client.query(`
      CREATE TEMP TABLE bs ON COMMIT DROP AS
      SELECT bc.*,
        CASE
          WHEN fate < 0.04 THEN CASE WHEN age_h >= h_accept THEN 'rejected' ELSE 'submitted' END
          WHEN fate < 0.07 THEN CASE WHEN age_h >= h_accept THEN 'duplicate' ELSE 'submitted' END
          WHEN age_h < h_accept THEN 'submitted'
          WHEN pause_h IS NOT NULL AND age_h >= h_accept + 0.05 AND age_h < h_accept + 0.05 + pause_h THEN 'pending_info'
          -- 1 % stall: never assigned, or never resolved (the overdue backlog of the inbox).
          WHEN fate < 0.075 THEN 'accepted'
          WHEN fate < 0.08 AND age_h >= h_assign_net + 0.05 THEN 'in_progress'
          WHEN age_h < h_assign_net THEN 'accepted'
          WHEN age_h < h_assign_net + 0.05 THEN 'assigned'
          WHEN age_h < h_resolve1 THEN 'in_progress'
          WHEN h_dispute IS NOT NULL AND age_h < h_dispute THEN 'resolved'
          WHEN h_dispute IS NOT NULL AND age_h < h_dispute + 0.5 THEN 'reopened'
          WHEN h_dispute IS NOT NULL AND age_h < h_resolve2 THEN 'in_progress'
          WHEN age_h < h_confirm OR r_stale < 0.02 THEN 'resolved'
          ELSE 'closed'
        END AS state
      FROM bc`);
    const at = (h) => `created_at + make_interval(secs => (${h}) * 3600)`;
    const resumed = `(fate >= 0.07 AND pause_h IS NOT NULL AND age_h >= h_accept + 0.05 + pause_h)::int`;
    await client.query(
      `
      INSERT INTO cases (id, ref, channel, category_id, title, description, lat, lng, h3, org_unit_id, state,
        paused_from, paused_at, created_by, responsible_unit_id, responsible_role, assignee_id,
        response_due_at, resolution_due_at, responded_at, resolved_at, closed_at, resolution_note,
        rejection_reason, satisfaction, paused_ms, response_paused_ms, resolve_count, reopen_count,
        version, created_at, updated_at)
      SELECT id, 'B' || lpad(i::text, 7, '0'), channel, category_id, name_en || ' #' || i, '', lat, lng, h3, grid_id, state,
        CASE WHEN state = 'pending_info' THEN 'accepted' END,
        CASE WHEN state = 'pending_info' THEN ${at('h_accept + 0.05')} END,
        $1::uuid, grid_id, 'grid_worker',
        CASE WHEN state IN ('assigned', 'in_progress', 'resolved', 'closed', 'reopened') THEN $1::uuid END,
        ${at("rh + CASE WHEN state = 'pending_info' THEN 0 ELSE coalesce(pause_h, 0) END")},
        ${at("sh + CASE WHEN state = 'pending_info' THEN 0 ELSE coalesce(pause_h, 0) END")},
        CASE WHEN age_h >= h_assign_net AND state NOT IN ('rejected', 'duplicate', 'submitted', 'accepted', 'pending_info')
          THEN ${at('h_assign_net')} END,
        CASE WHEN state IN ('resolved', 'closed') THEN ${at('coalesce(h_resolve2, h_resolve1)')} END,
        CASE WHEN state = 'closed' THEN ${at('h_confirm')} END,
        CASE WHEN state IN ('resolved', 'closed') THEN 'Handled on site' END,
        CASE WHEN state = 'rejected' THEN 'Not a matter for the case center' END,
        CASE WHEN state = 'closed' THEN sat WHEN state = 'reopened' OR (fate >= 0.08 AND h_dispute IS NOT NULL AND age_h >= h_dispute)
          THEN 1 + (sat % 2) END,
        -- The metric facts the workflow keeps (migration 0013), from the same events as below.
        ${resumed} * round(coalesce(pause_h, 0) * 3600000),
        CASE WHEN age_h >= h_assign_net AND state NOT IN ('rejected', 'duplicate', 'submitted', 'accepted', 'pending_info')
          THEN ${resumed} * CASE WHEN h_accept + 0.05 + pause_h <= h_assign_net THEN round(pause_h * 3600000) ELSE 0 END END,
        (fate >= 0.08 AND age_h >= h_resolve1)::int + (fate >= 0.08 AND h_resolve2 IS NOT NULL AND age_h >= h_resolve2)::int,
        (fate >= 0.08 AND h_dispute IS NOT NULL AND age_h >= h_dispute)::int,
        1, created_at, now()
      FROM bs`,
      [staffId],
    );
    // The timeline: one INSERT per event kind, each only for cases that have reached it.
    const ev = (action, h, from, to, where, vis = 'public', data = `'{}'::jsonb`) => `
      SELECT id, ${at(h)}, ${action === 'create' || action === 'route' ? 'NULL::uuid' : '$1::uuid'}, '${action}', ${from}::text, ${to}::text,
        '${vis}', ${data} FROM bs WHERE ${where}`;
    const reached = (h) => `age_h >= ${h}`;
    const parts = [
      ev(
        'create',
        '0',
        'NULL',
        `'submitted'`,
        'true',
        'public',
        `jsonb_build_object('channel', channel, 'category', cat_code)`,
      ),
      ev(
        'route',
        '0',
        'NULL',
        'NULL',
        'true',
        'internal',
        `jsonb_build_object('unitId', grid_id, 'role', 'grid_worker')`,
      ),
      ev('reject', 'h_accept', `'submitted'`, `'rejected'`, `state = 'rejected'`),
      ev('merge', 'h_accept', `'submitted'`, `'duplicate'`, `state = 'duplicate'`),
      ev('accept', 'h_accept', `'submitted'`, `'accepted'`, `fate >= 0.07 AND ${reached('h_accept')}`),
      ev(
        'pause',
        'h_accept + 0.05',
        `'accepted'`,
        `'pending_info'`,
        `fate >= 0.07 AND pause_h IS NOT NULL AND ${reached('h_accept + 0.05')}`,
      ),
      ev(
        'resume',
        'h_accept + 0.05 + pause_h',
        `'pending_info'`,
        `'accepted'`,
        `fate >= 0.07 AND pause_h IS NOT NULL AND ${reached('h_accept + 0.05 + pause_h')}`,
        'public',
        `jsonb_build_object('pausedMs', round(pause_h * 3600000))`,
      ),
      ev(
        'assign',
        'h_assign_net',
        `'accepted'`,
        `'assigned'`,
        `fate >= 0.075 AND ${reached('h_assign_net')}`,
      ),
      ev(
        'start',
        'h_assign_net + 0.05',
        `'assigned'`,
        `'in_progress'`,
        `fate >= 0.075 AND ${reached('h_assign_net + 0.05')}`,
      ),
      ev('resolve', 'h_resolve1', `'in_progress'`, `'resolved'`, `fate >= 0.08 AND ${reached('h_resolve1')}`),
      ev(
        'dispute',
        'h_dispute',
        `'resolved'`,
        `'reopened'`,
        `fate >= 0.08 AND h_dispute IS NOT NULL AND ${reached('h_dispute')}`,
      ),
      ev(
        'assign',
        'h_dispute + 0.5',
        `'reopened'`,
        `'assigned'`,
        `fate >= 0.08 AND h_dispute IS NOT NULL AND ${reached('h_dispute + 0.5')}`,
      ),
      ev(
        'start',
        'h_dispute + 0.55',
        `'assigned'`,
        `'in_progress'`,
        `fate >= 0.08 AND h_dispute IS NOT NULL AND ${reached('h_dispute + 0.55')}`,
      ),
      ev(
        'resolve',
        'h_resolve2',
        `'in_progress'`,
        `'resolved'`,
        `fate >= 0.08 AND h_resolve2 IS NOT NULL AND ${reached('h_resolve2')}`,
      ),
      ev(
        'confirm',
        'h_confirm',
        `'resolved'`,
        `'closed'`,
        `state = 'closed'`,
        'public',
        `jsonb_build_object('satisfaction', sat)`,
      ),
    ];
    await client.query(
      `INSERT INTO case_events (case_id, at, actor_id, action, from_state, to_state, visibility, data) ${parts.join(' UNION ALL ')}`,
      [staffId],
    );
    await client.query('COMMIT');
    log(`  loaded ${end.toLocaleString('en-US')} cases (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const t1 = performance.now();
  await client.query(`SET maintenance_work_mem = '512MB'`);
  await client.query(`SET session_replication_role = DEFAULT`);
  await client.query(`ALTER TABLE case_events ADD PRIMARY KEY (id)`);
  for (const ix of secondary) await client.query(ix.indexdef);
  log(`  rebuilt ${secondary.length} indexes in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
  await client.query(`SELECT setval('case_ref_seq', ${count + 1})`);
  await client.query('VACUUM ANALYZE cases');
  await client.query('VACUUM ANALYZE case_events');
  return { seconds: (performance.now() - t0) / 1000, categories: cats.length };
}
