import type { HomeKind } from './home-kind';
/** One entry per top-level screen; a nav item shows only when the user holds its permission. */
export interface NavItem {
  to: string;
  labelKey: string;
  permission: string | null;
}

export const navItems: readonly NavItem[] = [
  { to: '/', labelKey: 'nav.home', permission: null },
  { to: '/orgs', labelKey: 'nav.orgs', permission: 'org.read' },
  { to: '/orgs/import', labelKey: 'nav.orgImport', permission: 'org.write' },
  { to: '/residents', labelKey: 'nav.residents', permission: 'resident.read' },
  { to: '/residents/import', labelKey: 'nav.import', permission: 'resident.import' },
  { to: '/devices', labelKey: 'nav.devices', permission: 'device.read' },
  { to: '/devices/map', labelKey: 'nav.deviceMap', permission: 'device.read' },
  { to: '/devices/import', labelKey: 'nav.deviceImport', permission: 'device.write' },
  // For those who register devices; anyone with device.read may still open the page.
  { to: '/devices/profiles', labelKey: 'nav.deviceProfiles', permission: 'device.write' },
  { to: '/cases/report', labelKey: 'nav.caseReport', permission: 'case.report' },
  { to: '/cases/mine', labelKey: 'nav.caseMine', permission: 'case.report' },
  { to: '/cases', labelKey: 'nav.caseInbox', permission: 'case.read' },
  { to: '/cases/hotline', labelKey: 'nav.caseHotline', permission: 'case.handle' },
  { to: '/grid', labelKey: 'nav.grid', permission: 'case.handle' },
  { to: '/cases/rules', labelKey: 'nav.caseRules', permission: 'case.configure' },
  { to: '/cases/categories', labelKey: 'nav.caseCategories', permission: 'case.configure' },
  { to: '/metrics', labelKey: 'nav.metrics', permission: 'metrics.read' },
  { to: '/audit', labelKey: 'nav.audit', permission: 'audit.read' },
  { to: '/users', labelKey: 'nav.users', permission: 'user.read' },
  { to: '/account', labelKey: 'nav.account', permission: null },
];

export function visibleNavItems(permissions: readonly string[]): NavItem[] {
  return navItems.filter((item) => item.permission === null || permissions.includes(item.permission));
}

/** The places on a phone's bottom bar, in order, per home; the first four the user may open are shown. */
const mainPlaces: Record<HomeKind, readonly string[]> = {
  grid: ['/', '/grid', '/cases', '/cases/report', '/residents'],
  community: ['/', '/cases', '/residents', '/devices', '/metrics'],
  office: ['/', '/cases', '/metrics', '/devices/map', '/orgs'],
  resident: ['/', '/cases/report', '/cases/mine', '/account'],
  other: navItems.map((i) => i.to),
};

/** At most this many places on the bottom bar; a fifth slot opens the rest ("more"). */
export const MAIN_PLACES = 4;

/** The user's places split into the bottom bar's main ones and the rest, both in the desk order. */
export function splitNavItems(
  permissions: readonly string[],
  kind: HomeKind,
): { main: NavItem[]; more: NavItem[] } {
  const visible = visibleNavItems(permissions);
  const byPath = new Map(visible.map((i) => [i.to, i]));
  const main = mainPlaces[kind]
    .map((to) => byPath.get(to))
    .filter((i): i is NavItem => i !== undefined)
    .slice(0, MAIN_PLACES);
  return { main, more: visible.filter((i) => !main.includes(i)) };
}

/** Paths whose link is current only on an exact match (their sub-pages have links of their own). */
export const exactNavPaths: ReadonlySet<string> = new Set(['/', '/orgs', '/residents', '/devices', '/cases']);
