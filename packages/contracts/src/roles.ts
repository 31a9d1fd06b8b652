import { z } from 'zod';

/** Roles are granted on one org unit and hold for that unit's whole subtree. */
export const roles = [
  'resident',
  'grid_worker',
  'community_admin',
  'street_officer',
  'district_commander',
  'department_staff',
  'auditor',
  'system_admin',
] as const;
export const role = z.enum(roles);
export type Role = z.infer<typeof role>;

/** Department staff carry the department they work for; other roles leave it empty. */
export const departments = [
  'police',
  'health',
  'environment',
  'housing',
  'civil_affairs',
  'urban_management',
] as const;
export const department = z.enum(departments);
export type Department = z.infer<typeof department>;

export const permissions = [
  'org.read',
  'org.write',
  'building.read',
  'building.write',
  'resident.read',
  'resident.write',
  'resident.reveal',
  'resident.import',
  'user.read',
  'user.write',
  'audit.read',
  'device.read',
  'device.write',
  // Send commands (RPC, FIWARE commands) and shared attributes to devices (docs/devices.md).
  'device.control',
  'case.report',
  'case.read',
  'case.handle',
  'case.supervise',
  'case.configure',
  // Governance metrics of the case center (docs/metrics.md): aggregates over a unit's subtree.
  'metrics.read',
] as const;
export type Permission = (typeof permissions)[number];

/**
 * Minimum necessary: each role gets only what its work needs. Department staff see places,
 * not people, until a later issue grants them case-bound access.
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  resident: ['case.report'],
  grid_worker: [
    'org.read',
    'building.read',
    'building.write',
    'resident.read',
    'resident.write',
    'resident.reveal',
    'device.read',
    'case.report',
    'case.read',
    'case.handle',
    'metrics.read',
  ],
  community_admin: [
    'org.read',
    'building.read',
    'building.write',
    'resident.read',
    'resident.write',
    'resident.reveal',
    'resident.import',
    'user.read',
    'device.read',
    'device.write',
    'device.control',
    'case.report',
    'case.read',
    'case.handle',
    'case.supervise',
    'metrics.read',
  ],
  street_officer: [
    'org.read',
    'building.read',
    'resident.read',
    'user.read',
    'device.read',
    'case.report',
    'case.read',
    'case.handle',
    'case.supervise',
    'metrics.read',
  ],
  district_commander: [
    'org.read',
    'building.read',
    'resident.read',
    'user.read',
    'device.read',
    'case.report',
    'case.read',
    'case.handle',
    'case.supervise',
    'case.configure',
    'metrics.read',
  ],
  // Department staff see and handle only the cases routed to their own department.
  department_staff: ['org.read', 'building.read', 'device.read', 'case.read', 'case.handle'],
  auditor: ['org.read', 'audit.read', 'user.read'],
  system_admin: [
    'org.read',
    'org.write',
    'building.read',
    'building.write',
    'user.read',
    'user.write',
    'device.read',
    'device.write',
    'device.control',
    'case.configure',
  ],
};

export const roleGrant = z.object({
  role,
  orgUnitId: z.uuid(),
  orgUnitCode: z.string(),
  orgUnitName: z.object({ 'zh-CN': z.string(), en: z.string() }),
  department: department.nullable(),
});
export type RoleGrant = z.infer<typeof roleGrant>;

/**
 * Permissions that give power over accounts, the org tree or the audit trail. A role carrying one
 * may be granted only by someone who holds it over the unit (ADR 0044): an administrator never
 * hands out more control than they have, and auditors, who watch the administrators, are appointed
 * by the operator (CLI), not by the people they watch.
 */
export const controlPermissions = [
  'user.read',
  'user.write',
  'org.write',
  'audit.read',
] as const satisfies readonly Permission[];

/** Whether someone holding `held` over a unit (and user.write there) may grant `r` on it. */
export function mayGrantRole(held: ReadonlySet<string>, r: Role): boolean {
  return (
    held.has('user.write') &&
    rolePermissions[r].every((p) => !(controlPermissions as readonly string[]).includes(p) || held.has(p))
  );
}
