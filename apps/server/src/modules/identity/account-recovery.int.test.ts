import * as OTPAuth from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@civitas/contracts/roles';
import { FIXTURE_PASSWORD } from '../../test-support/fixtures.js';
import { createTestApp, type Client, type TestApp } from '../../test-support/test-app.js';

// Account recovery through the API (ADR 0044): each action scoped, audited, and ending sessions
// where it must. The tests run in order over one database.
let t: TestApp;
const op = { actor: null, requestId: 'test', ip: '127.0.0.1' };

const login = (username: string, password: string, remoteAddress = '127.0.0.1', totp?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress,
    payload: { username, password, ...(totp ? { totp } : {}) },
  });
const put = (c: Client, url: string, payload: unknown) =>
  t.app.inject({
    method: 'PUT',
    url,
    headers: { cookie: c.cookie, 'x-csrf-token': c.csrf },
    payload: payload as Record<string, unknown>,
  });
const idOf = async (username: string) => (await t.services.users.findByUsername(username))!.id;
const user = async (username: string) => (await t.services.users.findByUsername(username))!;
const auditRows = (action: string, targetId: string) =>
  t.services.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
const sessionsOf = async (userId: string) =>
  (await t.services.database.db.selectFrom('sessions').select('id').where('user_id', '=', userId).execute())
    .length;
const grant = (role: Role, unit: string) => ({ role, orgUnitId: t.units.get(unit)!.id, department: null });

async function addUser(username: string, grants: { role: Role; unit: string }[]) {
  await t.services.users.createUnchecked(op, {
    username,
    displayName: username,
    kind: 'staff',
    password: FIXTURE_PASSWORD,
    grants: grants.map((g) => grant(g.role, g.unit)),
  });
}

let admin: Client;
let adminC1: Client;
beforeAll(async () => {
  t = await createTestApp({ LOGIN_MAX_FAILURES: '3' });
  // A system administrator of community C1 only (unit A), and accounts around it.
  await addUser('admin-c1', [{ role: 'system_admin', unit: 'C1' }]);
  await addUser('worker-c1', [{ role: 'grid_worker', unit: 'G1' }]);
  await addUser('worker-c2', [{ role: 'grid_worker', unit: 'G3' }]);
  await addUser('worker-both', [
    { role: 'grid_worker', unit: 'G1' },
    { role: 'grid_worker', unit: 'G3' },
  ]);
  admin = await t.login('admin');
  adminC1 = await t.login('admin-c1');
});

describe('password reset by an administrator', () => {
  it('generates a temporary password shown once, ends the sessions and forces a change', async () => {
    const id = await idOf('worker-c1');
    const before = await t.login('worker-c1');
    const res = await adminC1.post(`/api/v1/users/${id}/password-reset`, {});
    expect(res.statusCode).toBe(200);
    const temporary = res.json<{ temporaryPassword: string }>().temporaryPassword;
    expect(temporary.length).toBeGreaterThanOrEqual(12);
    expect((await user('worker-c1')).password_hash).not.toContain(temporary);
    expect((await before.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect(await sessionsOf(id)).toBe(0);
    expect((await login('worker-c1', FIXTURE_PASSWORD)).statusCode).toBe(401);

    // Signed in with it: no permission applies until the password is changed.
    const c = await t.login('worker-c1', temporary);
    const me = (await c.get('/api/v1/auth/me')).json();
    expect(me.passwordChangeRequired).toBe(true);
    expect(me.permissions).toEqual([]);
    expect((await c.get('/api/v1/org-units')).statusCode).toBe(403);

    const change = (currentPassword: string, newPassword: string) =>
      c.post('/api/v1/auth/password', { currentPassword, newPassword });
    const wrong = await change('not-the-password', 'A-new-password-of-mine-7');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().code).toBe('password_wrong');
    expect((await change(temporary, temporary)).json().code).toBe('password_unchanged');
    const weak = await change(temporary, 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].path).toBe('body.newPassword');
    expect((await user('worker-c1')).password_must_change).toBe(true);

    const other = await t.login('worker-c1', temporary);
    expect((await change(temporary, 'A-new-password-of-mine-7')).statusCode).toBe(204);
    const after = (await c.get('/api/v1/auth/me')).json();
    expect(after.passwordChangeRequired).toBe(false);
    expect(after.permissions).toContain('resident.read');
    expect((await c.get('/api/v1/org-units')).statusCode).toBe(200);
    // The other session with the temporary password is gone; the one that changed it stays.
    expect((await other.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login('worker-c1', 'A-new-password-of-mine-7')).statusCode).toBe(200);

    const [audit] = await auditRows('user.password_reset', id);
    expect(audit?.actor_id).toBe(await idOf('admin-c1'));
    expect(audit?.detail).toMatchObject({ generated: true, sessionsEnded: true });
    expect(await auditRows('auth.password_changed', id)).toHaveLength(1);
    expect(await auditRows('auth.password_change_failed', id)).toHaveLength(1);
  });

  it('takes a password the administrator chose, under the same policy as creation', async () => {
    const id = await idOf('worker-c1');
    const weak = await admin.post(`/api/v1/users/${id}/password-reset`, { password: 'aaaaaaaaaaaaaa' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].path).toBe('body.password');
    const res = await admin.post(`/api/v1/users/${id}/password-reset`, {
      password: 'Chosen-by-the-admin-42',
    });
    expect(res.json()).toEqual({ temporaryPassword: null });
    const me = (await login('worker-c1', 'Chosen-by-the-admin-42')).json().me;
    expect(me.passwordChangeRequired).toBe(true);
  });

  it('refuses an administrator of unit A for a user of unit B, changing nothing', async () => {
    const outside = await user('worker-c2');
    const res = await adminC1.post(`/api/v1/users/${outside.id}/password-reset`, {});
    expect(res.statusCode).toBe(404);
    // Visible through G1 but also granted in C2: not wholly theirs.
    const both = await user('worker-both');
    expect((await adminC1.post(`/api/v1/users/${both.id}/password-reset`, {})).statusCode).toBe(403);
    expect((await adminC1.post(`/api/v1/users/${both.id}/unlock`)).statusCode).toBe(403);
    expect((await user('worker-c2')).password_hash).toBe(outside.password_hash);
    expect((await user('worker-both')).password_hash).toBe(both.password_hash);
    expect(await auditRows('user.password_reset', outside.id)).toEqual([]);
    expect(await auditRows('user.password_reset', both.id)).toEqual([]);
    expect((await login('worker-both', FIXTURE_PASSWORD)).statusCode).toBe(200);
  });

  it('is refused to a caller without user.write, and offered to nobody there', async () => {
    const ca1 = await t.login('ca1');
    const target = await idOf('gw1');
    expect((await ca1.post(`/api/v1/users/${target}/password-reset`, {})).statusCode).toBe(403);
    expect((await ca1.post(`/api/v1/users/${target}/mfa-reset`)).statusCode).toBe(403);
    expect(
      (await put(ca1, `/api/v1/users/${target}/grants`, { grants: [grant('system_admin', 'C1')] }))
        .statusCode,
    ).toBe(403);
    const list = (await ca1.get('/api/v1/users?limit=100')).json<{ items: { actions: string[] }[] }>();
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((u) => u.actions.length === 0)).toBe(true);
    const mine = (await adminC1.get('/api/v1/users?limit=100')).json<{
      items: { username: string; actions: string[] }[];
    }>();
    expect(mine.items.find((u) => u.username === 'gw1')?.actions).toEqual([
      'password_reset',
      'unlock',
      'disable',
      'change_grants',
    ]);
    expect(mine.items.find((u) => u.username === 'worker-both')?.actions).toEqual([]);
    expect(mine.items.find((u) => u.username === 'admin-c1')?.actions).toEqual(['change_grants']);
  });
});

describe('two-factor reset', () => {
  it('turns two-factor sign-in off, ends the sessions and lets the user enrol again', async () => {
    const c = await t.login('gw2');
    const setup = (await c.post('/api/v1/auth/totp/setup')).json();
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.secret), digits: 6, period: 30 });
    expect((await c.post('/api/v1/auth/totp/confirm', { code: totp.generate() })).statusCode).toBe(204);
    expect((await login('gw2', FIXTURE_PASSWORD)).json()).toEqual({ status: 'mfa_required' });
    const id = await idOf('gw2');
    const listed = (await adminC1.get('/api/v1/users?limit=100')).json<{
      items: { username: string; actions: string[] }[];
    }>();
    expect(listed.items.find((u) => u.username === 'gw2')?.actions).toContain('mfa_reset');

    expect((await adminC1.post(`/api/v1/users/${id}/mfa-reset`)).statusCode).toBe(204);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
    const row = await user('gw2');
    expect(row.totp_enabled).toBe(false);
    expect(row.totp_secret_enc).toBeNull();
    const again = await login('gw2', FIXTURE_PASSWORD);
    expect(again.json().status).toBe('ok');
    expect(again.json().me.mfaEnabled).toBe(false);
    expect(await auditRows('user.mfa_reset', id)).toHaveLength(1);
  });
});

describe('unlock', () => {
  it("clears the account's sign-in throttle for every source, audited", async () => {
    for (let i = 0; i < 3; i++) expect((await login('street1', 'wrong-password-x')).statusCode).toBe(401);
    expect((await login('street1', FIXTURE_PASSWORD)).statusCode).toBe(429);
    const id = await idOf('street1');
    // Not in admin-c1's subtree (street S1): refused, and the wait stays.
    expect((await adminC1.post(`/api/v1/users/${id}/unlock`)).statusCode).toBe(404);
    expect((await login('street1', FIXTURE_PASSWORD)).statusCode).toBe(429);
    expect((await admin.post(`/api/v1/users/${id}/unlock`)).statusCode).toBe(204);
    expect((await login('street1', FIXTURE_PASSWORD)).statusCode).toBe(200);
    const [row] = await auditRows('user.unlock', id);
    expect(row?.actor_id).toBe(await idOf('admin'));
  });
});

describe('role and unit changes', () => {
  it('replace the grants, audit before and after, and end the sessions on a downgrade', async () => {
    const id = await idOf('worker-c2');
    const c = await t.login('worker-c2');
    const res = await put(admin, `/api/v1/users/${id}/grants`, {
      grants: [grant('grid_worker', 'G3'), grant('community_admin', 'C2')],
    });
    expect(res.statusCode).toBe(204);
    // Only added: the session stays and sees the new permissions at once.
    expect((await c.get('/api/v1/auth/me')).json().permissions).toContain('resident.import');
    expect(await sessionsOf(id)).toBe(1);

    expect(
      (await put(admin, `/api/v1/users/${id}/grants`, { grants: [grant('grid_worker', 'G2')] })).statusCode,
    ).toBe(204);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
    const rows = await auditRows('user.grants_change', id);
    expect(rows).toHaveLength(2);
    expect(rows[1]?.detail).toMatchObject({
      // Ordered from the top of the tree down, as grants always are.
      before: [
        { role: 'community_admin', unit: t.units.get('C2')!.id },
        { role: 'grid_worker', unit: t.units.get('G3')!.id },
      ],
      after: [{ role: 'grid_worker', unit: t.units.get('G2')!.id }],
      sessionsEnded: true,
    });
  });

  it('refuse escalation: a unit outside the scope, a control role not held, adding to oneself', async () => {
    const id = await idOf('gw1');
    const above = await put(adminC1, `/api/v1/users/${id}/grants`, { grants: [grant('system_admin', 'D')] });
    expect(above.statusCode).toBe(403);
    const auditor = await put(adminC1, `/api/v1/users/${id}/grants`, { grants: [grant('auditor', 'C1')] });
    expect(auditor.statusCode).toBe(403);
    expect(auditor.json().code).toBe('role_not_grantable');
    // The same rule holds when an account is created.
    const created = await adminC1.post('/api/v1/users', {
      username: 'new-auditor',
      displayName: 'x',
      password: 'Long-enough-password-1',
      grants: [grant('auditor', 'C1')],
    });
    expect(created.json().code).toBe('role_not_grantable');
    expect(await t.services.users.findByUsername('new-auditor')).toBeUndefined();

    const self = await idOf('admin-c1');
    const more = await put(adminC1, `/api/v1/users/${self}/grants`, {
      grants: [grant('system_admin', 'C1'), grant('community_admin', 'C1')],
    });
    expect(more.statusCode).toBe(400);
    expect(more.json().code).toBe('cannot_change_own_roles');
    const grants = (await adminC1.get('/api/v1/auth/me')).json().grants;
    expect(grants).toHaveLength(1);
    expect((await adminC1.get('/api/v1/auth/me')).json().grants[0].role).toBe('system_admin');
    const gw1 = (await admin.get('/api/v1/users?limit=100'))
      .json()
      .items.find((u: { id: string }) => u.id === id);
    expect(gw1.grants.map((g: { role: string }) => g.role)).toEqual(['grid_worker']);
    expect(await auditRows('user.grants_change', id)).toEqual([]);
  });

  it('refuse leaving no active system administrator, for the API and the operator alike', async () => {
    const other = await idOf('admin-c1');
    // Another admin remains: admin-c1 may be disabled.
    expect((await admin.post(`/api/v1/users/${other}/disable`)).statusCode).toBe(204);
    const self = await idOf('admin');
    await t.services.users.setGrantsAsOperator(op, self, [
      grant('system_admin', 'D'),
      grant('district_commander', 'D'),
    ]);
    const demote = await put(admin, `/api/v1/users/${self}/grants`, {
      grants: [grant('district_commander', 'D')],
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().code).toBe('last_system_admin');
    expect((await admin.get('/api/v1/auth/me')).json().permissions).toContain('user.write');
    await expect(t.services.users.setDisabledAsOperator(op, self, true)).rejects.toMatchObject({
      code: 'last_system_admin',
    });
    expect((await user('admin')).disabled_at).toBeNull();
    // Only the operator's change is on record; the refused one left nothing.
    expect(await auditRows('user.grants_change', self)).toHaveLength(1);
    // With a second administrator active again, giving up one's own admin grant is allowed.
    await t.services.users.setDisabledAsOperator(op, other, false);
    expect(
      (await put(admin, `/api/v1/users/${self}/grants`, { grants: [grant('district_commander', 'D')] }))
        .statusCode,
    ).toBe(204);
    expect((await admin.get('/api/v1/auth/me')).statusCode).toBe(401);
  });
});
