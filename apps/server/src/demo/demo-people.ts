/**
 * Seeded generation of believable residents: households with consistent ages, era-appropriate
 * Chinese names, valid resident ID numbers and mobile numbers.
 */
import { idNumberCheckChar } from '../modules/registry/id-number.js';
import type { Rng } from './demo-geometry.js';
import type { DemoResident } from './demo-district.js';

/** Ages are "as of" this date so the same seed gives the same people on any day. */
export const REFERENCE_DATE = '2026-01-01';
const REFERENCE = { y: 2026, m: 1, d: 1 };

type Gender = DemoResident['gender'];

/** Parses "王 7.1, 李 7" into weighted picks; keeps the long data tables readable. */
function weightedList(spec: string): [string, number][] {
  return spec.split(',').map((entry) => {
    const [item, weight] = entry.trim().split(' ');
    return [item!, Number(weight)];
  });
}
const words = (spec: string): string[] => spec.trim().split(/\s+/);

/** Common surnames with rough national frequencies (%); 林, 梁, 黄, 陈 lean higher in Guangdong. */
const SURNAMES = weightedList(
  '王 7.1, 李 7.0, 张 6.7, 刘 5.4, 陈 5.5, 杨 3.2, 黄 3.0, 赵 2.2, 吴 2.0, 周 1.9, 徐 1.3, 孙 1.3, 马 1.1, ' +
    '朱 1.1, 胡 1.0, 郭 1.0, 何 1.0, 林 1.3, 高 0.9, 罗 0.9, 郑 0.8, 梁 1.0, 谢 0.6, 宋 0.6, 唐 0.6, 许 0.5, ' +
    '韩 0.5, 冯 0.5, 邓 0.6, 曹 0.5, 彭 0.4, 曾 0.5, 肖 0.4, 田 0.4, 董 0.4, 袁 0.35, 潘 0.35, 于 0.35, ' +
    '蒋 0.35, 蔡 0.4, 余 0.3, 杜 0.3, 叶 0.35, 程 0.3, 苏 0.3, 魏 0.3, 吕 0.3, 丁 0.3, 任 0.3, 沈 0.3, 姚 0.25, ' +
    '卢 0.25, 钟 0.3, 廖 0.25, 欧阳 0.03, 司马 0.01',
);

/** Given names follow fashion, so pools are split by birth era and gender. */
interface NamePool {
  double: string[];
  single: string[];
}
const pool = (double: string, single: string): NamePool => ({ double: words(double), single: words(single) });
type Era = 'old' | 'mid' | 'young';
const GIVEN_NAMES: Record<Era, Record<Gender, NamePool>> = {
  old: {
    male: pool(
      '建国 建华 国强 志强 德明 永福 金山 保国 卫东 振华 红军 立新 庆丰 长林 学文 福生 家明 玉林 国华 建军 海山 广才 春生 明德 兴旺',
      '强 军 勇 明 华 平 斌 刚 忠 林',
    ),
    female: pool(
      '秀英 桂兰 玉兰 秀兰 凤英 淑珍 桂英 秀珍 玉梅 美兰 素芬 翠花 桂芳 淑华 玉珍 秀云 凤兰 兰英 金凤 月娥 桂香 素珍 爱华 春梅',
      '英 兰 芳 梅 珍 霞 华 秀 琴 云',
    ),
  },
  mid: {
    male: pool(
      '伟强 志刚 海波 建伟 晓东 文杰 俊杰 永刚 国栋 宏伟 志伟 晓明 海涛 振宇 鹏飞 家豪 子龙 立伟 建平 春雷 东升 国伟 俊峰 浩然',
      '伟 磊 涛 鹏 超 杰 浩 峰 辉 斌 亮 军 波',
    ),
    female: pool(
      '丽娟 秀梅 晓燕 海燕 春燕 丽华 美玲 晓红 雪梅 艳红 丽萍 小红 慧敏 静怡 婷婷 晓丽 玉婷 红梅 秋菊 晓雯 丽君 佳丽',
      '丽 娟 燕 敏 静 艳 婷 玲 红 霞 莉 琳',
    ),
  },
  young: {
    male: pool(
      '子轩 浩然 宇轩 梓豪 俊熙 博文 思远 一鸣 天佑 皓轩 梓睿 宇航 子墨 铭泽 浩宇 嘉诚 明轩 奕辰 睿哲 家乐 俊宇 晨阳 沐阳 煜城 承泽',
      '轩 浩 宇 睿 哲 航 晨 阳 博 凯',
    ),
    female: pool(
      '梓涵 欣怡 紫涵 诗涵 雨桐 可欣 一诺 思彤 梦瑶 语嫣 若曦 欣妍 佳怡 雨萱 子涵 诗琪 沐晴 芷若 悦彤 嘉怡 安琪 心怡 艺涵',
      '萱 涵 琪 彤 怡 妍 瑶 欣 悦 璐',
    ),
  },
};

/** The district's own registration code, then places many Shenzhen residents migrated from. */
const LOCAL_REGION = '440306';
const ORIGIN_REGIONS = words(
  '441481 445122 441802 431003 430121 420106 360102 450102 510107 500101 412702 421281',
);
const MOBILE_PREFIXES = words(
  '130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 180 181 186 187 188 189',
);

/** A household member before it becomes a resident: age and gender, and a surname when inherited. */
interface MemberSpec {
  age: number;
  gender: Gender;
  surname?: string;
}

const otherGender = (g: Gender): Gender => (g === 'male' ? 'female' : 'male');

/**
 * Household shapes with weights. Rural villages keep more elderly ("left-behind") households and
 * multi-generation homes; urban flats hold more young couples and nuclear families.
 */
type HouseholdKind =
  | 'singleYoung'
  | 'singleElderly'
  | 'coupleYoung'
  | 'coupleMiddle'
  | 'coupleElderly'
  | 'family'
  | 'threeGen'
  | 'adultChild';
const URBAN_KINDS = weightedList(
  'singleYoung 16, singleElderly 6, coupleYoung 13, coupleMiddle 11, coupleElderly 11, family 22, threeGen 10, adultChild 12',
) as [HouseholdKind, number][];
const RURAL_KINDS = weightedList(
  'singleYoung 5, singleElderly 12, coupleYoung 5, coupleMiddle 10, coupleElderly 18, family 16, threeGen 22, adultChild 12',
) as [HouseholdKind, number][];
/** How many children a nuclear family has; two-child families are common again since 2016. */
const CHILD_COUNTS: [number, number][] = [
  [1, 70],
  [2, 28],
  [3, 2],
];

/** Parents with their children; children take the father's surname as is customary. */
function parentsWithChildren(
  rng: Rng,
  parentAge: number,
  childCount: number,
  maxChildAge: number,
): MemberSpec[] {
  const surname = rng.weighted(SURNAMES);
  const father: MemberSpec = { age: parentAge + rng.int(0, 3), gender: 'male', surname };
  const mother: MemberSpec = { age: parentAge - rng.int(0, 2), gender: 'female' };
  const oldestAllowed = Math.min(maxChildAge, mother.age - 22);
  const children: MemberSpec[] = [];
  for (let i = 0; i < childCount && oldestAllowed >= 0; i++) {
    children.push({ age: rng.int(0, oldestAllowed), gender: rng.chance(0.52) ? 'male' : 'female', surname });
  }
  // Some families are single-parent; drop one parent now and then.
  if (rng.chance(0.08)) return [rng.chance(0.7) ? mother : father, ...children];
  return [father, mother, ...children];
}

function couple(rng: Rng, minAge: number, maxAge: number): MemberSpec[] {
  const age = rng.int(minAge, maxAge);
  return [
    { age: Math.min(age + rng.int(0, 3), 95), gender: 'male' },
    { age: Math.max(age - rng.int(0, 2), minAge), gender: 'female' },
  ];
}

export function householdMembers(rng: Rng, rural: boolean): MemberSpec[] {
  const kind = rng.weighted(rural ? RURAL_KINDS : URBAN_KINDS);
  const gender: Gender = rng.chance(0.5) ? 'male' : 'female';
  switch (kind) {
    case 'singleYoung':
      return [{ age: rng.int(20, 45), gender }];
    case 'singleElderly':
      return [{ age: rng.int(65, 94), gender: rng.chance(0.65) ? 'female' : 'male' }];
    case 'coupleYoung':
      return couple(rng, 23, 38);
    case 'coupleMiddle':
      return couple(rng, 40, 59);
    case 'coupleElderly':
      return couple(rng, 60, 86);
    case 'family':
      return parentsWithChildren(rng, rng.int(28, 48), rng.weighted(CHILD_COUNTS), 17);
    case 'threeGen': {
      const parentAge = rng.int(28, 42);
      const family = parentsWithChildren(rng, parentAge, rng.weighted(CHILD_COUNTS.slice(0, 2)), 12);
      const grandAge = parentAge + rng.int(24, 32);
      const grandparents = rng.chance(0.6) ? couple(rng, grandAge, grandAge) : [{ age: grandAge, gender }];
      // Usually the father's parents move in, so the grandfather shares the family surname.
      const surname = family.find((m) => m.surname !== undefined)?.surname;
      return [...family, ...grandparents.map((g) => (g.gender === 'male' ? { ...g, surname } : g))];
    }
    case 'adultChild': {
      const [father, mother] = couple(rng, 46, 64);
      const surname = rng.weighted(SURNAMES);
      const childAge = rng.int(18, Math.min(32, mother!.age - 20));
      return [{ ...father!, surname }, mother!, { age: childAge, gender: otherGender(gender), surname }];
    }
  }
}

/** Keeps ID numbers and phone numbers unique across the whole district. */
export class Registry {
  readonly ids = new Set<string>();
  readonly phones = new Set<string>();
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** A birth date that makes the person exactly `age` on the reference date. */
function birthDateForAge(rng: Rng, age: number): string {
  const latest = Date.UTC(REFERENCE.y - age, REFERENCE.m - 1, REFERENCE.d);
  const earliest = Date.UTC(REFERENCE.y - age - 1, REFERENCE.m - 1, REFERENCE.d) + 86_400_000;
  const date = new Date(earliest + rng.int(0, (latest - earliest) / 86_400_000) * 86_400_000);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** Whole years between the birth date and the reference date. */
export function ageOn(birthDate: string, reference = REFERENCE_DATE): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = reference.split('-').map(Number) as [number, number, number];
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}

function eraOf(birthYear: number): Era {
  if (birthYear < 1965) return 'old';
  return birthYear < 1995 ? 'mid' : 'young';
}

function chineseName(rng: Rng, gender: Gender, birthYear: number, surname?: string): string {
  const pool = GIVEN_NAMES[eraOf(birthYear)][gender];
  // Single-character given names were far more common before the 1990s.
  const singleShare = birthYear < 1990 ? 0.35 : 0.15;
  const given = rng.chance(singleShare) ? rng.pick(pool.single) : rng.pick(pool.double);
  return (surname ?? rng.weighted(SURNAMES)) + given;
}

/** GB 11643 number: region, birth date, sequence (odd for men, even for women), check char. */
function idNumber(rng: Rng, registry: Registry, birthDate: string, gender: Gender, local: boolean): string {
  const region = local ? LOCAL_REGION : rng.pick(ORIGIN_REGIONS);
  for (;;) {
    const sequence = rng.int(0, 499) * 2 + (gender === 'male' ? 1 : 0);
    const first17 = region + birthDate.replaceAll('-', '') + pad(sequence, 3);
    if (!registry.ids.has(first17)) {
      registry.ids.add(first17);
      return first17 + idNumberCheckChar(first17);
    }
  }
}

function mobile(rng: Rng, registry: Registry): string {
  for (;;) {
    const phone = rng.pick(MOBILE_PREFIXES) + pad(rng.int(0, 99_999_999), 8);
    if (!registry.phones.has(phone)) {
      registry.phones.add(phone);
      return phone;
    }
  }
}

/** Young children have no phone; teenagers and the very old often don't either. */
function phoneFor(rng: Rng, registry: Registry, age: number): string | null {
  if (age < 12) return null;
  if (age < 18 && rng.chance(0.5)) return null;
  if (age >= 80 && rng.chance(0.4)) return null;
  return mobile(rng, registry);
}

/** Disability is more common with age; about 2% overall. */
function disabilityChance(age: number): number {
  if (age < 18) return 0.005;
  return age < 60 ? 0.012 : 0.05;
}

export interface HouseholdPlace {
  buildingCode: string;
  unitNo: string;
  gridCode: string;
  rural: boolean;
}

/** Turns one household's member specs into residents with consistent flags. */
export function householdResidents(rng: Rng, registry: Registry, place: HouseholdPlace): DemoResident[] {
  const members = householdMembers(rng, place.rural);
  return members.map((m) => {
    const birthDate = birthDateForAge(rng, m.age);
    const age = ageOn(birthDate);
    const birthYear = Number(birthDate.slice(0, 4));
    // Children born here are registered here; adults are often migrants (villagers mostly native).
    const local = age < 18 || rng.chance(place.rural ? 0.8 : 0.45);
    const disability = rng.chance(disabilityChance(age));
    const elderlyLivingAlone = age >= 65 && members.length === 1;
    const needsAssistance =
      (disability && rng.chance(0.6)) ||
      (elderlyLivingAlone && rng.chance(0.5)) ||
      (age >= 80 && rng.chance(0.3));
    return {
      name: chineseName(rng, m.gender, birthYear, m.surname),
      phone: phoneFor(rng, registry, age),
      idNumber: idNumber(rng, registry, birthDate, m.gender, local),
      birthDate,
      gender: m.gender,
      buildingCode: place.buildingCode,
      unitNo: place.unitNo,
      gridCode: place.gridCode,
      flags: { elderlyLivingAlone, disability, child: age < 14, needsAssistance },
    };
  });
}
