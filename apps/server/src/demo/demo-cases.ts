import type { CaseAction, CaseChannel } from '@civitas/contracts/cases';
import type { Actor, RequestContext } from '../platform/auth/actor.js';
import { HOUR, ManualClock } from '../modules/cases/case-clock.js';
import { claimGrant } from '../modules/cases/workflow/case-policy.js';
import { scopeOf } from '../modules/cases/cases.service.js';
import type { Services } from '../services.js';
import type { DemoDistrict } from './demo-district.js';
import { Rng } from './demo-geometry.js';

export const DEMO_CASE_COUNT = 60;
const DAY = 24 * HOUR;
/** How far back the demo's case history reaches. */
const HISTORY_DAYS = 180;

/**
 * Categories whose resolution needs photo evidence (0007) cannot be resolved by a seeder that
 * uploads no photos, so their demo cases are recent and still being handled; the others run the
 * whole course over the past months.
 */
const LONG_RUNNING = ['noise', 'neighbour_dispute', 'elderly_assistance', 'parking', 'other'];
const RECENT_ONLY = [
  'road_facility.pothole',
  'road_facility.streetlight',
  'sanitation.overflowing_bin',
  'water_drainage.waterlogging',
  'greenery',
  'environment',
];
/**
 * What the demo's callers and residents write, in Chinese as people in the demo district would; a
 * patrol finding carries no text of its own and is titled by the system per reader (ADR 0048).
 */
const TITLES: Record<string, { title: string; description: string }> = {
  noise: { title: '夜间施工噪音', description: '晚上十点以后工地仍在施工，影响休息。' },
  neighbour_dispute: { title: '楼道堆物纠纷', description: '邻居在楼道堆放杂物，多次沟通未果。' },
  elderly_assistance: { title: '独居老人需要帮助', description: '楼上独居老人几天没出门，请上门看看。' },
  parking: { title: '消防通道违停', description: '一辆小车长期停在消防通道上。' },
  other: { title: '公共设施咨询', description: '想了解小区健身器材的维修办法。' },
  'road_facility.pothole': { title: '路面坑洼', description: '路口有一个大坑，电动车容易摔倒。' },
  'road_facility.streetlight': { title: '路灯不亮', description: '这一段路灯晚上全部不亮。' },
  'sanitation.overflowing_bin': { title: '垃圾桶满溢', description: '垃圾桶已满，垃圾散落在地上。' },
  'water_drainage.waterlogging': { title: '道路积水', description: '下雨后路面积水很深，行人无法通过。' },
  greenery: { title: '绿化带枯死', description: '绿化带里的灌木大片枯死。' },
  environment: { title: '河道漂浮物', description: '河道里有很多漂浮垃圾。' },
};
/** The staff who act on demo cases, most specific first: the first one that handles a case does. */
const HANDLERS = [
  'demo-gridworker-1',
  'demo-gridworker-2',
  'demo-gridworker-3',
  'demo-community-1',
  'demo-community-2',
  'demo-village-1',
  'demo-street-1',
  'demo-street-2',
  'demo-township-1',
  'demo-commander',
];

interface Plan {
  sourceRef: string;
  category: string;
  channel: CaseChannel;
  lat: number;
  lng: number;
  address: string;
  createdAt: Date;
  /** Hours after creation of each step taken; the case stops at the first step not yet due. */
  steps: {
    after: number;
    action: 'accept' | 'reject' | 'assign' | 'start' | 'resolve' | 'confirm' | 'dispute';
  }[];
  satisfaction: number;
}

/** The demo's case history, the same for the same district and load time. */
export function planDemoCases(demo: DemoDistrict, now: Date, count = DEMO_CASE_COUNT): Plan[] {
  const rng = new Rng(0x0ca5e5);
  const buildings = demo.buildings;
  const plans: Plan[] = [];
  for (let i = 0; i < count; i++) {
    const recent = rng.next() < 0.35;
    const pool = recent ? RECENT_ONLY : LONG_RUNNING;
    const category = pool[rng.int(0, pool.length - 1)]!;
    const ageDays = recent ? rng.range(0.05, 14) : rng.range(0.05, HISTORY_DAYS);
    const b = buildings[rng.int(0, buildings.length - 1)]!;
    const r = rng.next();
    const channel: CaseChannel =
      r < 0.2
        ? 'resident_report'
        : r < 0.55
          ? 'hotline'
          : r < 0.75
            ? 'patrol'
            : r < 0.9
              ? 'walk_in'
              : 'external_api';
    let t = rng.range(0.2, 6);
    const steps: Plan['steps'] = [];
    if (rng.next() < 0.06) steps.push({ after: t, action: 'reject' });
    else {
      steps.push({ after: t, action: 'accept' });
      steps.push({ after: (t += rng.range(0.2, 8)), action: 'assign' });
      steps.push({ after: (t += rng.range(0.5, 24)), action: 'start' });
      if (!recent) {
        steps.push({ after: (t += rng.range(2, 96)), action: 'resolve' });
        steps.push({ after: (t += rng.range(2, 72)), action: rng.next() < 0.08 ? 'dispute' : 'confirm' });
      }
    }
    plans.push({
      sourceRef: `demo-${String(i + 1).padStart(4, '0')}`,
      category,
      channel,
      // Within a few metres of a building, so the case lies in that building's grid.
      lat: b.lat + rng.range(-0.00005, 0.00005),
      lng: b.lng + rng.range(-0.00005, 0.00005),
      address: b.address,
      createdAt: new Date(now.getTime() - ageDays * DAY),
      steps,
      satisfaction: rng.int(3, 5),
    });
  }
  return plans.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/**
 * Writes the demo's cases through the real case service and workflow, each step at its own time
 * on a clock the seeder moves: timelines, deadlines, audit rows and notifications are what the
 * live system would have written. Cases already present (by source ref) are left as they are.
 */
export async function seedDemoCases(services: Services, demo: DemoDistrict, now: Date): Promise<number> {
  const clock = new ManualClock(now);
  const { cases, actions, written: alreadyWritten } = services.casesOnClock(clock);
  const actors = new Map<string, Actor>();
  const actor = async (username: string): Promise<Actor> => {
    let a = actors.get(username);
    if (!a) {
      a = (await services.auth.actorForUser(username)) ?? undefined;
      if (!a) throw new Error(`demo cases: no demo user ${username}`);
      actors.set(username, a);
    }
    return a;
  };
  const ctxOf = (a: Actor | null): RequestContext => ({ actor: a, requestId: 'demo-cases', ip: '127.0.0.1' });
  const commander = await actor('demo-commander');
  const resident = await actor('demo-resident-1');
  let written = 0;
  for (const p of planDemoCases(demo, now)) {
    if (await alreadyWritten(p.channel, p.sourceRef)) continue;
    clock.set(p.createdAt);
    const title = TITLES[p.category]!;
    const reporter = p.channel === 'resident_report' ? resident : null;
    let row: Awaited<ReturnType<typeof cases.intake>> = await cases.intake(
      ctxOf(reporter),
      {
        channel: p.channel,
        category: p.category,
        title: p.channel === 'patrol' ? { code: 'category' } : title.title,
        description: p.channel === 'patrol' ? '' : title.description,
        lat: p.lat,
        lng: p.lng,
        address: p.address,
        attributes: {},
        sourceRef: p.sourceRef,
        reporterId: reporter?.userId ?? null,
      },
      p.channel === 'resident_report' || p.channel === 'external_api' ? null : commander,
    );
    written++;
    // Whoever takes the case themselves: staff of the holding unit or of an office close above it.
    let handler: Actor | undefined;
    for (const name of HANDLERS) {
      const a = await actor(name);
      if (claimGrant(a, scopeOf(row))) {
        handler = a;
        break;
      }
    }
    if (!handler) throw new Error(`demo cases: no demo user handles ${row.resp_code}`);
    for (const step of p.steps) {
      const at = new Date(p.createdAt.getTime() + step.after * HOUR);
      if (at > now) break;
      clock.set(at);
      const byReporter = (step.action === 'confirm' || step.action === 'dispute') && reporter;
      row = await actions.act(
        { ...ctxOf(byReporter ? reporter : handler), actor: byReporter ? reporter : handler },
        row.id,
        actionBody(step.action, row.version, handler.userId, p.satisfaction),
      );
    }
  }
  return written;
}

function actionBody(
  action: Plan['steps'][number]['action'],
  version: number,
  handlerId: string,
  satisfaction: number,
): CaseAction {
  switch (action) {
    case 'accept':
      return { action, version };
    case 'reject':
      return { action, version, reason: 'Not a matter for the case center' };
    case 'assign':
      return { action, version, assigneeId: handlerId };
    case 'start':
      return { action, version };
    case 'resolve':
      return { action, version, note: 'Handled on site' };
    case 'confirm':
      return { action, version, satisfaction };
    case 'dispute':
      return { action, version, reason: 'The problem is back', satisfaction: 2 };
  }
}
