/**
 * A deterministic demo district: a fictional 宝新区 (Baoxin District) in Shenzhen with streets,
 * a rural township, communities, villages, grids, buildings, residents and one user per role.
 * Plain data only; loading it through the services is someone else's job.
 */
import {
  Rng,
  areaCentroid,
  clusteredSites,
  organicOutline,
  splitPolygon,
  type PolygonGeometry,
  type Position,
} from './demo-geometry.js';
import { Registry, ageOn, householdResidents } from './demo-people.js';

export interface DemoUnit {
  code: string;
  type: 'district' | 'street' | 'township' | 'community' | 'village' | 'grid';
  name: { 'zh-CN': string; en: string };
  parentCode: string | null;
  boundary: { type: 'Polygon'; coordinates: [number, number][][] };
}
export interface DemoBuilding {
  code: string;
  name: string;
  address: string;
  gridCode: string;
  lat: number;
  lng: number;
  floors: number;
}
export interface DemoResident {
  name: string;
  phone: string | null;
  idNumber: string;
  /** YYYY-MM-DD */
  birthDate: string;
  gender: 'male' | 'female';
  buildingCode: string;
  unitNo: string;
  gridCode: string;
  flags: { elderlyLivingAlone: boolean; disability: boolean; child: boolean; needsAssistance: boolean };
}
export interface DemoUser {
  username: string;
  displayName: string;
  kind: 'staff' | 'resident';
  role:
    | 'resident'
    | 'grid_worker'
    | 'community_admin'
    | 'street_officer'
    | 'district_commander'
    | 'department_staff'
    | 'auditor'
    | 'system_admin';
  unitCode: string;
  department: 'police' | 'health' | 'environment' | 'housing' | 'civil_affairs' | 'urban_management' | null;
  /** For the resident user: links to one DemoResident. */
  residentIdNumber?: string;
}
export interface DemoDistrict {
  units: DemoUnit[];
  buildings: DemoBuilding[];
  residents: DemoResident[];
  users: DemoUser[];
}

export const DEMO_SEED = 20260101;

const DISTRICT_CODE = 'D01';
const DISTRICT_NAME = { 'zh-CN': '宝新区', en: 'Baoxin District' };
/** Near Bao'an, Shenzhen; the outline spans roughly 12 km east–west and 10 km north–south. */
const DISTRICT_CENTRE: Position = [113.85, 22.62];

/** Fixed names: the seed changes shapes and people, not the administrative names. */
interface Area {
  zh: string;
  en: string;
  road?: string;
}
const STREETS: readonly { area: Area; communities: readonly Area[] }[] = [
  {
    area: { zh: '福海街道', en: 'Fuhai Street' },
    communities: [
      { zh: '新田社区', en: 'Xintian Community', road: '新田路' },
      { zh: '和平社区', en: 'Heping Community', road: '和平路' },
    ],
  },
  {
    area: { zh: '新桥街道', en: 'Xinqiao Street' },
    communities: [
      { zh: '桥头社区', en: 'Qiaotou Community', road: '桥头路' },
      { zh: '凤凰社区', en: 'Fenghuang Community', road: '凤凰路' },
    ],
  },
];
const TOWNSHIP: { area: Area; villages: readonly Area[] } = {
  area: { zh: '松岗镇', en: 'Songgang Township' },
  villages: [
    { zh: '石岩村', en: 'Shiyan Village' },
    { zh: '罗田村', en: 'Luotian Village' },
  ],
};
const NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];

/** Buildings per branch: flats in the city, village houses in the countryside (300 in all). */
const URBAN_BUILDINGS = 200;
const RURAL_BUILDINGS = 100;
/** Households are added to city flats until the district has this many residents. */
const RESIDENT_TARGET = 2000;

/** Everything the generator knows about a grid while placing buildings and people. */
interface GridInfo {
  code: string;
  boundary: PolygonGeometry;
  rural: boolean;
  communityCode: string;
  community: Area;
  parentArea: Area;
}

export function generateDemoDistrict(seed: number = DEMO_SEED): DemoDistrict {
  const rng = new Rng(seed);
  const { units, grids } = buildUnits(rng);
  const buildings = placeBuildings(rng, grids);
  const residents = populate(rng, buildings, grids);
  return { units, buildings, residents, users: demoUsers(units, residents) };
}

function unit(
  code: string,
  type: DemoUnit['type'],
  area: Area,
  parentCode: string | null,
  boundary: PolygonGeometry,
): DemoUnit {
  return { code, type, name: { 'zh-CN': area.zh, en: area.en }, parentCode, boundary };
}

/** Sorts cells north-west first so codes and "第一网格" read like a map. */
function inMapOrder(cells: PolygonGeometry[]): PolygonGeometry[] {
  const key = (c: PolygonGeometry): number => {
    const [lng, lat] = areaCentroid(c.coordinates[0]!);
    return lng - lat;
  };
  return [...cells].sort((a, b) => key(a) - key(b));
}

function buildUnits(rng: Rng): { units: DemoUnit[]; grids: GridInfo[] } {
  const district = organicOutline(rng, DISTRICT_CENTRE, 6, 5);
  const units: DemoUnit[] = [
    unit(DISTRICT_CODE, 'district', { zh: DISTRICT_NAME['zh-CN'], en: DISTRICT_NAME.en }, null, district),
  ];
  const grids: GridInfo[] = [];

  // The township takes the northernmost cell: the rural hinterland lies away from the coast.
  const cells = splitPolygon(rng, district, 3).sort(
    (a, b) => areaCentroid(b.coordinates[0]!)[1] - areaCentroid(a.coordinates[0]!)[1],
  );
  const [townshipCell, ...streetCells] = cells;
  const branches = [
    ...inMapOrder(streetCells).map((cell, i) => ({
      cell,
      type: 'street' as const,
      code: `${DISTRICT_CODE}-S${pad2(i + 1)}`,
      spec: STREETS[i]!,
    })),
    {
      cell: townshipCell!,
      type: 'township' as const,
      code: `${DISTRICT_CODE}-T01`,
      spec: { area: TOWNSHIP.area, communities: TOWNSHIP.villages },
    },
  ];

  for (const branch of branches) {
    units.push(unit(branch.code, branch.type, branch.spec.area, DISTRICT_CODE, branch.cell));
    const rural = branch.type === 'township';
    const communityCells = inMapOrder(splitPolygon(rng, branch.cell, branch.spec.communities.length));
    communityCells.forEach((cell, i) => {
      const community = branch.spec.communities[i]!;
      const code = `${branch.code}-${rural ? 'V' : 'C'}${pad2(i + 1)}`;
      units.push(unit(code, rural ? 'village' : 'community', community, branch.code, cell));
      inMapOrder(splitPolygon(rng, cell, rng.int(2, 4))).forEach((gridCell, g) => {
        const gridCode = `${code}-G${pad2(g + 1)}`;
        units.push(
          unit(gridCode, 'grid', { zh: `第${NUMERALS[g]!}网格`, en: `Grid ${g + 1}` }, code, gridCell),
        );
        grids.push({
          code: gridCode,
          boundary: gridCell,
          rural,
          communityCode: code,
          community,
          parentArea: branch.spec.area,
        });
      });
    });
  }
  return { units, grids };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Splits `total` over weights by largest remainder so the counts add up exactly. */
function apportion(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (w / sum) * total);
  const counts = raw.map(Math.floor);
  const byRemainder = raw.map((r, i) => ({ i, rem: r - Math.floor(r) })).sort((a, b) => b.rem - a.rem);
  const missing = total - counts.reduce((a, b) => a + b, 0);
  for (let k = 0; k < missing; k++) counts[byRemainder[k]!.i]! += 1;
  return counts;
}

/** Metres from the grid edge a building keeps, so rounding never pushes it into a neighbour. */
const EDGE_MARGIN_M = 25;

/** Old walk-ups, mid-rise and towers in the city; one to three storey houses in villages. */
function floorsFor(rng: Rng, rural: boolean): number {
  if (rural)
    return rng.weighted([
      [1, 20],
      [2, 45],
      [3, 35],
    ]);
  const band = rng.weighted([
    [[6, 9], 30],
    [[10, 18], 35],
    [[19, 33], 35],
  ] as const);
  return rng.int(band[0], band[1]);
}

function placeBuildings(rng: Rng, grids: GridInfo[]): DemoBuilding[] {
  const counts = new Map<string, number>();
  for (const rural of [false, true]) {
    const branch = grids.filter((g) => g.rural === rural);
    const shares = apportion(
      rural ? RURAL_BUILDINGS : URBAN_BUILDINGS,
      branch.map(() => rng.range(0.7, 1.3)),
    );
    branch.forEach((g, i) => counts.set(g.code, shares[i]!));
  }
  const buildings: DemoBuilding[] = [];
  const numberInCommunity = new Map<string, { n: number; houseNo: number }>();
  for (const grid of grids) {
    // Village houses spread wider and sit closer together than city towers.
    const layout = grid.rural
      ? { spreadM: 350, spacingM: 25, marginM: EDGE_MARGIN_M }
      : { spreadM: 220, spacingM: 50, marginM: EDGE_MARGIN_M };
    const sites = clusteredSites(rng, grid.boundary, counts.get(grid.code) ?? 0, layout);
    if (!sites) throw new Error(`could not place buildings in ${grid.code}`);
    for (const [lng, lat] of sites) {
      const seq = numberInCommunity.get(grid.communityCode) ?? { n: 0, houseNo: 0 };
      seq.n += 1;
      seq.houseNo += rng.int(1, 4);
      numberInCommunity.set(grid.communityCode, seq);
      buildings.push({
        code: `${grid.communityCode}-B${pad2(seq.n)}`,
        name: grid.rural ? `${grid.community.zh}${seq.houseNo}号` : `${grid.community.zh}${seq.n}栋`,
        address: grid.rural
          ? `${DISTRICT_NAME['zh-CN']}${grid.parentArea.zh}${grid.community.zh}${seq.houseNo}号`
          : `${DISTRICT_NAME['zh-CN']}${grid.parentArea.zh}${grid.community.road ?? ''}${seq.houseNo}号`,
        gridCode: grid.code,
        lat,
        lng,
        floors: floorsFor(rng, grid.rural),
      });
    }
  }
  return buildings;
}

/** A free flat: entrance-floor+room like '1-302' (village houses are simply '1-101'). */
function nextUnitNo(rng: Rng, building: DemoBuilding, used: Set<string>): string {
  for (;;) {
    const entrance = building.floors >= 10 ? rng.int(1, 3) : 1;
    const unitNo = `${entrance}-${rng.int(1, building.floors)}${pad2(rng.int(1, building.floors > 3 ? 4 : 1))}`;
    if (!used.has(unitNo)) {
      used.add(unitNo);
      return unitNo;
    }
  }
}

/**
 * Every village house holds one household; every city building gets two, then more households go
 * into random city buildings until the district reaches its resident target.
 */
function populate(rng: Rng, buildings: DemoBuilding[], grids: GridInfo[]): DemoResident[] {
  const rural = new Set(grids.filter((g) => g.rural).map((g) => g.code));
  const registry = new Registry();
  const byBuilding = new Map(
    buildings.map((b) => [b.code, { used: new Set<string>(), residents: [] as DemoResident[] }]),
  );
  let total = 0;
  const addHousehold = (building: DemoBuilding): void => {
    const slot = byBuilding.get(building.code)!;
    const isRural = rural.has(building.gridCode);
    const place = {
      buildingCode: building.code,
      unitNo: nextUnitNo(rng, building, slot.used),
      gridCode: building.gridCode,
      rural: isRural,
    };
    const members = householdResidents(rng, registry, place);
    slot.residents.push(...members);
    total += members.length;
  };
  const urban = buildings.filter((b) => !rural.has(b.gridCode));
  for (const b of buildings) addHousehold(b);
  for (const b of urban) addHousehold(b);
  while (total < RESIDENT_TARGET) addHousehold(rng.pick(urban));
  // Listing people building by building, flat by flat, keeps households together.
  return buildings.flatMap((b) =>
    byBuilding
      .get(b.code)!
      .residents.sort((x, y) => (x.unitNo < y.unitNo ? -1 : x.unitNo > y.unitNo ? 1 : 0)),
  );
}

/** Exactly the accounts the tests and the e2e suite log in with. */
function demoUsers(units: DemoUnit[], residents: DemoResident[]): DemoUser[] {
  const firstGrid = (parent: string): string =>
    units.find((u) => u.parentCode === parent && u.type === 'grid')!.code;
  const staff = (
    username: string,
    displayName: string,
    role: DemoUser['role'],
    unitCode: string,
    department: DemoUser['department'] = null,
  ): DemoUser => ({
    username,
    displayName,
    kind: 'staff',
    role,
    unitCode,
    department,
  });
  const homeGrid = `${DISTRICT_CODE}-S01-C01-G01`;
  // The demo resident is a phone-owning adult, so the account is believable for logging in.
  const resident = residents.find(
    (r) => r.gridCode === homeGrid && ageOn(r.birthDate) >= 18 && r.phone !== null,
  );
  if (!resident) throw new Error(`no adult resident in ${homeGrid}`);
  return [
    staff('demo-admin', '系统管理员', 'system_admin', DISTRICT_CODE),
    staff('demo-commander', '区指挥长', 'district_commander', DISTRICT_CODE),
    staff('demo-street-1', '福海街道值班员', 'street_officer', `${DISTRICT_CODE}-S01`),
    staff('demo-street-2', '新桥街道值班员', 'street_officer', `${DISTRICT_CODE}-S02`),
    staff('demo-township-1', '松岗镇值班员', 'street_officer', `${DISTRICT_CODE}-T01`),
    staff('demo-community-1', '新田社区管理员', 'community_admin', `${DISTRICT_CODE}-S01-C01`),
    staff('demo-community-2', '和平社区管理员', 'community_admin', `${DISTRICT_CODE}-S01-C02`),
    staff('demo-village-1', '石岩村管理员', 'community_admin', `${DISTRICT_CODE}-T01-V01`),
    staff('demo-gridworker-1', '网格员一', 'grid_worker', `${DISTRICT_CODE}-S01-C01-G01`),
    staff('demo-gridworker-2', '网格员二', 'grid_worker', `${DISTRICT_CODE}-S01-C01-G02`),
    staff('demo-gridworker-3', '网格员三', 'grid_worker', firstGrid(`${DISTRICT_CODE}-T01-V01`)),
    staff('demo-police-1', '公安民警', 'department_staff', DISTRICT_CODE, 'police'),
    staff('demo-health-1', '卫健专员', 'department_staff', `${DISTRICT_CODE}-S01`, 'health'),
    staff('demo-auditor', '审计员', 'auditor', DISTRICT_CODE),
    {
      username: 'demo-resident-1',
      displayName: resident.name,
      kind: 'resident',
      role: 'resident',
      unitCode: homeGrid,
      department: null,
      residentIdNumber: resident.idNumber,
    },
  ];
}
