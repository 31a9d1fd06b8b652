// What `zod` resolves to in the web bundle (vite.config.ts alias), for the contracts as for the
// web's own code: zod with jitless set first. Every module that builds a schema imports zod, so it
// runs after this, whatever chunk the bundler puts it in (ADR 0031).
import './zod-jitless';

export * from 'zod/v4';
export { default } from 'zod/v4';
