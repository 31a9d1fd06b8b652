import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from './audit-chain.js';

/** The chain's head as one process saw it, anchored outside the database. */
export interface Checkpoint {
  seq: number;
  hash: string;
  /** The marker entry from which rows are keyed, as far as this head knew; null before it. */
  keyedFrom: number | null;
  at: string;
  host: string;
  pid: number;
}

export interface CheckpointReading {
  valid: Checkpoint[];
  /** Lines that parse but whose signature does not verify: someone wrote them without the key. */
  forged: number;
  /** Lines that do not parse (a write cut short by a full disk or a crash). */
  unreadable: number;
}

const FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

/**
 * Signed checkpoints, one JSON line each, in one file per UTC day under AUDIT_CHECKPOINT_DIR.
 * Every process appends its own lines (O_APPEND, one write per line, fsynced), so several
 * processes sharing the directory never interleave inside a line. The directory must not be
 * writable by whoever administers the database: that separation is the point (ADR 0022).
 */
export class CheckpointStore {
  constructor(
    readonly dir: string,
    private readonly key: Buffer,
  ) {}

  async write(head: { seq: number; hash: string; keyedFrom: number | null }, now = new Date()) {
    const cp: Checkpoint = {
      seq: head.seq,
      hash: head.hash,
      keyedFrom: head.keyedFrom,
      at: now.toISOString(),
      host: os.hostname(),
      pid: process.pid,
    };
    const line = `${JSON.stringify({ v: 1, ...cp, mac: this.mac(cp) })}\n`;
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const file = await fs.open(path.join(this.dir, `${cp.at.slice(0, 10)}.jsonl`), 'a', 0o600);
    try {
      await file.write(line);
      await file.sync();
    } finally {
      await file.close();
    }
    return cp;
  }

  /** `alsoSignedBy`: checkpoint keys of earlier SECRET_KEYs, whose lines stay valid (ADR 0042). */
  async read(alsoSignedBy: readonly Buffer[] = []): Promise<CheckpointReading> {
    const out: CheckpointReading = { valid: [], forged: 0, unreadable: 0 };
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter((n) => FILE.test(n)).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return out;
      throw e;
    }
    for (const name of names) {
      const text = await fs.readFile(path.join(this.dir, name), 'utf8');
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const cp = parse(line);
        if (!cp) out.unreadable++;
        else if ([this.key, ...alsoSignedBy].some((k) => signed(k, cp.body, cp.mac))) out.valid.push(cp.body);
        else out.forged++;
      }
    }
    return out;
  }

  private mac(cp: Checkpoint): string {
    return macWith(this.key, cp);
  }
}

function macWith(key: Buffer, cp: Checkpoint): string {
  return createHmac('sha256', key)
    .update(canonicalJson([1, cp.seq, cp.hash, cp.keyedFrom, cp.at, cp.host, cp.pid]))
    .digest('hex');
}

function signed(key: Buffer, cp: Checkpoint, mac: string): boolean {
  const want = Buffer.from(macWith(key, cp), 'hex');
  const got = Buffer.from(mac, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** A line with every field of the right type, or null. Never throws: the file is outside input. */
function parse(line: string): { body: Checkpoint; mac: string } | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  const int = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
  if (
    o.v !== 1 ||
    !int(o.seq) ||
    typeof o.hash !== 'string' ||
    !(o.keyedFrom === null || int(o.keyedFrom)) ||
    typeof o.at !== 'string' ||
    typeof o.host !== 'string' ||
    !int(o.pid) ||
    typeof o.mac !== 'string'
  )
    return null;
  return {
    body: { seq: o.seq, hash: o.hash, keyedFrom: o.keyedFrom, at: o.at, host: o.host, pid: o.pid },
    mac: o.mac,
  };
}
