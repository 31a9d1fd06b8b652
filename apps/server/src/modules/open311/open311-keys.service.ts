import { createHash, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { assertCovers, scopePaths } from '../../platform/auth/access.js';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { DB } from '../../platform/db/schema.js';
import { badRequest, notFound } from '../../platform/errors/errors.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { o311Forbidden } from './open311.errors.js';
import type { ApiKeySummary, CreateApiKey } from '@civitas/contracts/open311';
import type { Open311DB } from './open311.tables.js';
import type { ApiKeyWithUnit, Open311KeysRepository } from './open311-keys.repository.js';

type Ctx = RequestContext & { actor: Actor };

const KEY_PREFIX = 'o311_';
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');
/** The audit log takes the platform's transaction type; it is the same connection. */
const baseTx = (trx: Transaction<Open311DB>) => trx as unknown as Transaction<DB>;

export function presentApiKey(k: ApiKeyWithUnit): ApiKeySummary {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    unit: { id: k.org_unit_id, code: k.unit_code, name: { 'zh-CN': k.unit_name_zh, en: k.unit_name_en } },
    createdAt: k.created_at.toISOString(),
    lastUsedAt: k.last_used_at?.toISOString() ?? null,
    revokedAt: k.revoked_at?.toISOString() ?? null,
  };
}

/**
 * Open311 api_keys: issued by administrators who configure cases (case.configure) for a unit in
 * their scope, shown once, stored as a hash, revocable. A key stands for one integrator and holds
 * for its unit's subtree.
 */
export class Open311KeysService {
  constructor(
    private readonly db: Kysely<Open311DB>,
    private readonly repo: Open311KeysRepository,
    private readonly orgs: OrgsService,
    private readonly audit: AuditLog,
  ) {}

  async create(ctx: Ctx, input: CreateApiKey): Promise<{ key: string; summary: ApiKeySummary }> {
    const unit = await this.orgs.forNewRecords(input.orgUnitId);
    if (!unit) throw badRequest('unit_not_found', 'orgUnitId: no such org unit');
    const grant = assertCovers(ctx.actor, 'case.configure', unit.path, 'Org unit', false);
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = await this.db.transaction().execute(async (trx) => {
      const newId = await this.repo.insert(trx, {
        name: input.name,
        prefix: key.slice(0, 12),
        keyHash: hashApiKey(key),
        orgUnitId: unit.id,
        createdBy: ctx.actor.userId,
      });
      await this.audit.append(baseTx(trx), ctx, {
        action: 'open311_key.create',
        targetType: 'open311_api_key',
        targetId: newId,
        targetUnitId: unit.id,
        grant,
        detail: { name: input.name, unit: unit.code },
      });
      return newId;
    });
    return { key, summary: presentApiKey((await this.repo.find(id))!) };
  }

  async list(actor: Actor): Promise<ApiKeySummary[]> {
    return (await this.repo.list(scopePaths(actor, 'case.configure'))).map(presentApiKey);
  }

  async revoke(ctx: Ctx, id: string): Promise<ApiKeySummary> {
    const k = await this.repo.find(id);
    if (!k) throw notFound('Open311 API key');
    const grant = assertCovers(ctx.actor, 'case.configure', k.unit_path, 'Open311 API key');
    await this.db.transaction().execute(async (trx) => {
      // Revoking twice changes nothing and leaves no second audit row.
      if (!(await this.repo.revoke(trx, id, ctx.actor.userId, new Date()))) return;
      await this.audit.append(baseTx(trx), ctx, {
        action: 'open311_key.revoke',
        targetType: 'open311_api_key',
        targetId: id,
        targetUnitId: k.org_unit_id,
        grant,
        detail: { name: k.name },
      });
    });
    return presentApiKey((await this.repo.find(id))!);
  }

  /** The integrator behind an api_key; GeoReport v2 "Errors": a missing or invalid key is 403. */
  async authenticate(apiKey: string | undefined): Promise<ApiKeyWithUnit> {
    if (!apiKey) throw o311Forbidden('api_key is missing; ask the operator of this server for a key.');
    const k = apiKey.startsWith(KEY_PREFIX)
      ? await this.repo.findActiveByHash(hashApiKey(apiKey))
      : undefined;
    if (!k) throw o311Forbidden('Invalid api_key received; the key is unknown or was revoked.');
    await this.repo.touch(k.id, new Date());
    return k;
  }
}
