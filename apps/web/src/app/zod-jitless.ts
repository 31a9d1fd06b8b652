import { config } from 'zod/v4/core';

// The server's CSP has no 'unsafe-eval'. Zod 4 compiles object parsers with `new Function` and
// first probes whether it may (util.allowsEval, read when the first z.object() is built); under
// our CSP that probe is a violation Chromium logs on every page. `jitless` skips the probe and the
// compiled path (node_modules/zod/v4/core/util.js, allowsEval; schemas.js, $ZodObjectJIT).
config({ jitless: true });
