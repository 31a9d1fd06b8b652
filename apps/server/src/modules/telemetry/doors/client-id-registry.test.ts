import { describe, expect, it } from 'vitest';
import { ClientIdRegistry } from './client-id-registry.js';

const conn = () => ({ closed: false });

describe('client id binding', () => {
  it('refuses another credential while the holder is connected, and lets the holder take its id over', () => {
    const r = new ClientIdRegistry<{ closed: boolean }>();
    const b = conn();
    expect(r.admit('id-1', 'device:B', b, true)).toBe(true);
    expect(r.admit('id-1', 'device:C', conn(), true)).toBe(false);
    expect(r.admit('id-1', 'device:B', conn(), true)).toBe(true);
  });

  it('frees a clean id when its holder leaves, but keeps a persistent session bound to its owner', () => {
    const r = new ClientIdRegistry<{ closed: boolean }>();
    const b = conn();
    r.admit('clean', 'device:B', b, true);
    r.release('clean', b);
    expect(r.admit('clean', 'device:C', conn(), true)).toBe(true);

    const p = conn();
    r.admit('persistent', 'device:B', p, false);
    p.closed = true;
    r.release('persistent', p);
    // Even a clean start by another credential would wipe B's session: refused.
    expect(r.admit('persistent', 'device:C', conn(), true)).toBe(false);
    expect(r.admit('persistent', 'device:B', conn(), true)).toBe(true);
    expect(r.admit('persistent', 'device:C', conn(), true)).toBe(false); // B holds it, live
  });

  it('does not let a stale holder that is already closed block the id', () => {
    const r = new ClientIdRegistry<{ closed: boolean }>();
    const b = conn();
    r.admit('x', 'device:B', b, true);
    b.closed = true; // closed before its disconnect event was seen
    expect(r.admit('x', 'device:C', conn(), true)).toBe(true);
  });
});
