import type { Actor } from '../../../platform/auth/actor.js';
import { forbidden } from '../../../platform/errors/errors.js';
import type { UsersService } from '../../identity/users.service.js';
import { handleGrant } from '../workflow/case-policy.js';
import { scopeOf, type CaseService } from '../cases.service.js';

/**
 * Who may take a case: the people the `assign` action accepts (case-actions.service.ts,
 * `assertAssignable`): active staff with case.handle on the holding unit or above it, department
 * staff only of the case's department. Read through the identity service, never its tables.
 */
export class CaseAssignees {
  constructor(
    private readonly cases: CaseService,
    private readonly users: Pick<UsersService, 'staffWithPermissionOver'>,
  ) {}

  async list(actor: Actor, caseId: string): Promise<{ id: string; name: string }[]> {
    const { row } = await this.cases.get(actor, caseId);
    if (!handleGrant(actor, scopeOf(row)))
      throw forbidden(`assignees: you are not responsible for this case; it is held by ${row.resp_code}`);
    return this.users.staffWithPermissionOver('case.handle', row.resp_path, row.responsible_department);
  }
}
