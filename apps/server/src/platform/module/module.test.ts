import { describe, expect, it } from 'vitest';
import type { App } from '../http/http-server.js';
import { Composition, defineModule, type ModuleHost } from './module.js';

// The builder only hands the host through to `create`; these modules never touch it.
const host = { config: { marker: 'host' } } as unknown as ModuleHost;

class Counter {
  n = 0;
}

const counters = defineModule()({
  name: 'counters',
  needs: {},
  tables: ['counters'],
  publishes: [],
  subscribes: [],
  create: () => ({ counter: new Counter(), secondCounter: new Counter() }),
  jobs: (s) => [{ name: 'counters.tick', everyMs: 1000, run: async () => ++s.counter.n }],
});

const readers = defineModule<{ counter: Counter }>()({
  name: 'readers',
  needs: { counter: true },
  tables: ['reader_marks'],
  publishes: [],
  subscribes: [],
  create: (h, needs) => ({ reader: { read: () => needs.counter.n, hostOf: () => h, given: () => needs } }),
  routes: (app, s) => {
    (app as unknown as string[]).push(`readers:${s.reader.read()}:${s.counter.n}`);
  },
  fileReferences: () => [{ referenced: async () => new Set(['a']) }],
});

describe('module composition', () => {
  it('creates each module with only the services it declares, and delegates routes, jobs and file references', async () => {
    const c = Composition.start(host, { platformThing: 1 }).add(counters).add(readers);
    expect(Object.keys(c.services).sort()).toEqual(['counter', 'platformThing', 'reader', 'secondCounter']);
    expect(c.services.reader.hostOf()).toBe(host);
    expect(Object.keys(c.services.reader.given())).toEqual(['counter']);
    const jobs = c.modules.flatMap((m) => m.jobs());
    expect(jobs.map((j) => j.name)).toEqual(['counters.tick']);
    await jobs[0]!.run(new AbortController().signal);
    expect(c.services.reader.read()).toBe(1);
    const app: string[] = [];
    for (const m of c.modules) m.routes(app as unknown as App);
    expect(app).toEqual(['readers:1:1']);
    expect(c.modules.map((m) => [m.name, m.needs, m.provides, m.tables])).toEqual([
      ['counters', [], ['counter', 'secondCounter'], ['counters']],
      ['readers', ['counter'], ['reader'], ['reader_marks']],
    ]);
    expect(c.modules.flatMap((m) => m.fileReferences())).toHaveLength(1);
  });

  it('refuses, at compile time and at start, a module whose needs no earlier module provides', () => {
    // @ts-expect-error: `counter` is not provided before `readers`.
    expect(() => Composition.start(host, {}).add(readers)).toThrow(
      'module readers needs "counter", which no module listed before it provides',
    );
  });

  it('refuses a module listed twice, a service name taken twice and a table claimed twice', () => {
    const base = Composition.start(host, {}).add(counters);
    expect(() => base.add(counters)).toThrow('module counters is listed twice');
    const again = defineModule()({ ...counters, name: 'again', tables: [] });
    expect(() => base.add(again)).toThrow('module again provides "counter", a name already taken');
    const sameTable = defineModule()({ ...counters, name: 'same-table', create: () => ({}) });
    expect(() => base.add(sameTable)).toThrow(
      'module same-table declares table counters, which counters owns',
    );
    const platformTable = defineModule()({ ...sameTable, name: 'platform-table', tables: ['audit_log'] });
    expect(() => base.add(platformTable)).toThrow(
      'module platform-table declares table audit_log, which the platform owns',
    );
  });
});
