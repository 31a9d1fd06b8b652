import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { DB } from '../../platform/db/schema.js';
import type { CaseConfigService } from '../cases/config/case-config.service.js';
import type { CaseService } from '../cases/cases.service.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { Open311KeysRepository } from './open311-keys.repository.js';
import { Open311KeysService } from './open311-keys.service.js';
import { Open311Repository } from './open311.repository.js';
import { Open311Service } from './open311.service.js';
import { withOpen311Tables } from './open311.tables.js';

/** Wires the Open311 adapter over the case center (called once by the composition root). */
export function createOpen311(deps: {
  db: Kysely<DB>;
  orgs: OrgsService;
  audit: AuditLog;
  cipher: FieldCipher;
  cases: CaseService;
  caseConfig: CaseConfigService;
}) {
  const db = withOpen311Tables(deps.db);
  const open311Keys = new Open311KeysService(db, new Open311KeysRepository(db), deps.orgs, deps.audit);
  const open311 = new Open311Service(
    new Open311Repository(db),
    open311Keys,
    deps.cases,
    deps.caseConfig,
    deps.orgs,
    deps.cipher,
    deps.audit,
  );
  return { open311Keys, open311 };
}
