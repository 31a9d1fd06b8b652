import type { OrgImportMappingInput } from '@civitas/contracts/org-lifecycle';
import { grantCovering } from '../../platform/auth/access.js';
import type { Actor } from '../../platform/auth/actor.js';
import {
  defaultOrgImportMapping,
  type OrgImportAuthorizer,
  type OrgImportMapping,
} from './org-tree-import.js';

/** The web's mapping over the defaults: level names it gives are added to the built-in ones. */
export function webImportMapping(m: Partial<OrgImportMappingInput>): OrgImportMapping {
  return {
    code: m.code ?? defaultOrgImportMapping.code,
    parent: m.parent ?? defaultOrgImportMapping.parent,
    nameZh: m.nameZh ?? defaultOrgImportMapping.nameZh,
    nameEn: m.nameEn ?? defaultOrgImportMapping.nameEn,
    level: m.level ?? defaultOrgImportMapping.level,
    levels: { ...defaultOrgImportMapping.levels, ...(m.levels ?? {}) },
  };
}

/**
 * A unit admin imports only below units they write (org.write covers the existing parent); a new
 * top-level unit needs a system administrator of an existing top-level unit, as in the web's create.
 */
export function importAuthorizer(actor: Actor): OrgImportAuthorizer {
  return (parent) => {
    if (parent) {
      if (parent.status === 'retired') return `parent ${parent.code} is retired`;
      return grantCovering(actor, 'org.write', parent.path)
        ? null
        : `you may not add units under ${parent.type} ${parent.code}`;
    }
    const rootAdmin = actor.grants.some(
      (g) => g.role === 'system_admin' && g.orgUnitPath.split('/').length === 3,
    );
    return rootAdmin ? null : 'only a district-level system administrator can add a new district';
  };
}
