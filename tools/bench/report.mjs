// Formatting of `npm run bench:api` results and the docs/benchmarks.md update.
import fs from 'node:fs';

export const BEGIN = '<!-- bench:api:begin -->';
export const END = '<!-- bench:api:end -->';

const INTRO = `# Benchmarks

Every figure in this file comes from a run of one of the \`npm run bench:*\` scripts on the
machine described next to it; the scripts write their own section (between the
\`<!-- bench:…:begin/end -->\` markers) so nothing here is typed in by hand. Analysis and
commentary sit outside the markers and name the run they refer to. Figures from another
machine are not comparable: re-run the script there instead of scaling these.

## How to run

\`\`\`sh
npm run build          # the benchmarks drive the built server (apps/server/dist)
npm run bench:api      # options: --duration 15 --connections 20 --warmup 3 --residents 100000
                       #          --no-docs (print only) --keep-db --cpu-prof (implies --no-docs)
\`\`\`

\`bench:api\` needs PostgreSQL on 127.0.0.1 (default \`postgres://postgres@127.0.0.1:5432/test\`,
override with \`BENCH_DATABASE_URL\`). It creates a fresh database, starts the real server on it
(\`node apps/server/dist/main.js\` with \`DEMO=true\`), tops the demo district up to 100,000
residents through the server's own services (real ciphertexts under the run's \`SECRET_KEY\`,
valid ID numbers, households), then measures with autocannon against 127.0.0.1 only. Every
process it starts is stopped and the database dropped at the end, also on failure.

What is measured, per scenario: average requests per second, p50 and p99 latency, non-2xx
responses (must be 0, else the run fails) and throughput relative to a bare Fastify
hello-world started in the same run on the same machine ("vs. peer"), which shows how much of
the machine's HTTP capacity a real request costs.
`;

const fmt = (n, digits = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '–'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export const ms = (n) => (n >= 100 ? fmt(n, 0) : n >= 10 ? fmt(n, 1) : fmt(n, 2));

const cpu = (r) => (r.dbCpuMs === null ? ms(r.appCpuMs) : `${ms(r.appCpuMs)} + ${ms(r.dbCpuMs)}`);

/** One table row per scenario: figures, peer ratio and the target verdict. */
export function table(results) {
  const peer = results.find((r) => r.key === 'peer');
  const lines = [
    '| Scenario | Conn. | Requests | req/s | p50 ms | p99 ms | non-2xx | vs. peer | CPU ms/req: server + PostgreSQL | Target | Met |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: | --- | --- |',
  ];
  for (const r of results) {
    // A fixed, rate-limited number of logins says nothing about capacity: no ratio for it.
    const ratio =
      r.key === 'peer'
        ? '100 %'
        : peer && !r.amount
          ? `${fmt((100 * r.rps) / peer.rps, r.rps < peer.rps / 100 ? 2 : 1)} %`
          : '–';
    lines.push(
      `| ${r.title} | ${r.connections} | ${fmt(r.total)} | ${fmt(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} | ` +
        `${r.non2xx} | ${ratio} | ${cpu(r)} | ${r.target?.text ?? '–'} | ${r.target ? (r.target.met ? 'yes' : '**no**') : '–'} |`,
    );
  }
  return lines.join('\n');
}

/** Replaces the bench:api section of the docs file, creating the file with its intro if needed. */
export function writeSection(file, body) {
  const section = `${BEGIN}\n${body.trim()}\n${END}`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : INTRO;
  const a = text.indexOf(BEGIN);
  const b = text.indexOf(END);
  if (a !== -1 && b > a) text = text.slice(0, a) + section + text.slice(b + END.length);
  else text = `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, text);
}

export { fmt };

/**
 * Replaces the section between `begin` and `end` of the docs file (another script's section),
 * creating the file with its intro if needed. Text outside the markers is left alone.
 */
export function writeMarkedSection(file, begin, end, body) {
  const section = `${begin}\n${body.trim()}\n${end}`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : INTRO;
  const a = text.indexOf(begin);
  const b = text.indexOf(end);
  if (a !== -1 && b > a) text = text.slice(0, a) + section + text.slice(b + end.length);
  else text = `${text.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(file, text);
}
