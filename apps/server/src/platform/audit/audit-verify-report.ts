import type { AuditVerifyResult } from '@civitas/contracts/audit';

/** The operator's reading of a verification, one line per fact (`civitas audit verify`). */
export function describeVerification(r: AuditVerifyResult, checkpointDir: string | null): string[] {
  const lines = [
    r.ok
      ? `audit chain intact: ${r.checked} entries`
      : `audit chain BROKEN at entry ${r.firstBadSeq ?? '?'} (${r.problem ?? 'unknown'}): ${r.reason ?? ''} (${r.checked} entries verified before it)`,
    r.keyedFrom === null
      ? 'keyed: not yet (entries written before the upgrade; keying starts with the next entry)'
      : `keyed: HMAC-SHA-256 from entry ${r.keyedFrom}`,
  ];
  const c = r.checkpoints;
  if (c.total === 0) lines.push(`checkpoints: none in ${checkpointDir ?? '(no directory)'}`);
  else
    lines.push(
      `checkpoints: ${c.matched} of ${c.total} found in the chain; latest at entry ${c.latestSeq ?? '?'} (${c.latestAt ?? '?'})`,
    );
  if (c.unreadable > 0) lines.push(`checkpoints: ${c.unreadable} unreadable line(s) ignored`);
  return lines;
}
