// Reference points of `npm run bench:ingest` that do not involve Civitas: the machine's fdatasync
// rate (what one durable commit costs at the disk) and a plain PostgreSQL COPY of the same rows
// Civitas stores. Measured in the same run as the Civitas figures, so runs on machines with fast
// and slow disks can be compared as ratios.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * Writes 8 KiB (one PostgreSQL page) at the start of a file and calls fdatasync, in a loop, for
 * `seconds`: the rate at which this filesystem makes a write durable, the floor under any commit.
 * The file is made on the filesystem of PostgreSQL's data directory (beside it) when that can be
 * read and written, else in the temp folder; `where` says which.
 */
export async function measureFdatasync(admin, seconds = 3) {
  let dataDir = null;
  try {
    dataDir = (await admin.query('show data_directory')).rows[0].data_directory;
  } catch {
    // not a superuser: the setting is hidden
  }
  const walSync = (await admin.query('show wal_sync_method')).rows[0].wal_sync_method;
  const candidates = [];
  if (dataDir)
    candidates.push({ dir: path.dirname(dataDir), where: 'a folder beside the PostgreSQL data directory' });
  candidates.push({ dir: os.tmpdir(), where: 'the temp folder' });
  for (const c of candidates) {
    let scratch = null;
    try {
      if (dataDir && c.dir === path.dirname(dataDir) && fs.statSync(c.dir).dev !== fs.statSync(dataDir).dev)
        continue;
      scratch = fs.mkdtempSync(path.join(c.dir, '.civitas-bench-fsync-'));
      const file = path.join(scratch, 'probe');
      const fd = fs.openSync(file, 'w');
      const page = Buffer.alloc(8192, 7);
      let n = 0;
      const t0 = performance.now();
      const end = t0 + seconds * 1000;
      try {
        while (performance.now() < end) {
          fs.writeSync(fd, page, 0, page.length, 0);
          fs.fdatasyncSync(fd);
          n++;
        }
      } finally {
        fs.closeSync(fd);
      }
      const rate = n / ((performance.now() - t0) / 1000);
      const sameFs = dataDir ? fs.statSync(scratch).dev === fs.statSync(dataDir).dev : false;
      return {
        rate,
        where: `${c.where} (${c.dir}${sameFs ? ', same filesystem as PostgreSQL' : dataDir ? ', not the filesystem of PostgreSQL' : ', PostgreSQL data directory unknown'})`,
        dataDir,
        walSync,
      };
    } catch {
      // not writable here: the next candidate
    } finally {
      if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
  return { rate: NaN, where: 'nowhere writable', dataDir, walSync };
}

/**
 * The COPY peer: `connections` clients each stream batches of `rowsPerCopy` readings, eight
 * metrics per message of `devices` devices, into a table of the shape and primary key of
 * Civitas's `telemetry`, one COPY (so one commit) per batch, for `warmup` + `seconds`. Returns the
 * rows per second committed during the measured part. No rollups, no state, no counters, no MQTT:
 * what PostgreSQL itself takes on this machine. `onMeasure` marks the measured part (for CPU figures).
 */
export async function copyPeer({
  connect,
  seconds,
  warmup,
  connections,
  rowsPerCopy,
  metrics,
  devices,
  onMeasure = { start: () => undefined, end: () => undefined },
}) {
  const setup = await connect();
  await setup.query(`
    create table copy_peer (
      device_id uuid not null, metric text not null, ts timestamptz not null,
      num double precision, txt text, outlier boolean not null default false,
      received_at timestamptz not null default now(),
      primary key (device_id, metric, ts))`);
  const ids = Array.from({ length: devices }, () => randomUUID());
  let tick = Date.now() - 86_400_000;
  /** The next batch as COPY text: a message of every device in turn, all its metrics. */
  const nextBatch = () => {
    const lines = [];
    while (lines.length < rowsPerCopy) {
      const ts = new Date(tick++).toISOString();
      const id = ids[tick % devices];
      for (let m = 0; m < metrics.length; m++)
        lines.push(`${id}\t${metrics[m]}\t${ts}\t${(10 + ((tick + m * 13) % 50)).toFixed(1)}\t\\N\tf\n`);
    }
    return lines.join('');
  };
  let counted = false;
  let rows = 0;
  let running = true;
  const clients = await Promise.all(Array.from({ length: connections }, () => connect()));
  const workers = clients.map(async (c) => {
    while (running) {
      const text = nextBatch();
      const n = (text.match(/\n/g) ?? []).length;
      await pipeline(
        Readable.from([text]),
        c.query(copyFrom('copy copy_peer (device_id, metric, ts, num, txt, outlier) from stdin')),
      );
      if (counted && running) rows += n;
    }
  });
  await new Promise((r) => setTimeout(r, warmup * 1000));
  counted = true;
  onMeasure.start();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  onMeasure.end();
  running = false;
  await Promise.all(workers);
  const total = Number((await setup.query('select count(*)::bigint as n from copy_peer')).rows[0].n);
  await Promise.all([...clients, setup].map((c) => c.end()));
  return { rowsPerSecond: rows / elapsed, total, connections, rowsPerCopy };
}
