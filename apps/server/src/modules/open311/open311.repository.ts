import type { Kysely } from 'kysely';
import type { Open311DB } from './open311.tables.js';

export interface RequestFilter {
  refs?: string[] | undefined;
  caseId?: string | undefined;
  categoryCodes?: string[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  states?: readonly string[] | undefined;
  unitPath?: string | undefined;
  /** Categories never shown through Open311 (with their sub-categories). */
  hiddenCategoryIds: string[];
  limit: number;
}

/**
 * The reads behind GET requests: the case center's CaseService reads answer a signed-in actor, and
 * Open311 reads are anonymous, so this query reads the case tables directly and selects only the
 * columns a public service request may show (no reporter, assignee or staff names). Writes never
 * happen here: cases are created by CaseService.intake.
 */
export class Open311Repository {
  constructor(private readonly db: Kysely<Open311DB>) {}

  async requests(f: RequestFilter) {
    let q = this.db
      .selectFrom('cases as c')
      .innerJoin('case_categories as cat', 'cat.id', 'c.category_id')
      .innerJoin('org_units as u', 'u.id', 'c.org_unit_id')
      .innerJoin('org_units as r', 'r.id', 'c.responsible_unit_id')
      .leftJoin('cases as dup', 'dup.id', 'c.duplicate_of')
      .leftJoin('open311_requests as o', 'o.case_id', 'c.id')
      .select([
        'c.id',
        'c.ref',
        'c.channel',
        'c.state',
        'c.description',
        'c.address',
        'c.lat',
        'c.lng',
        'c.h3',
        'c.responsible_department',
        'c.resolution_note',
        'c.rejection_reason',
        'c.resolution_due_at',
        'c.created_at',
        'c.updated_at',
        'cat.code as category_code',
        'cat.name_zh as category_name_zh',
        'cat.name_en as category_name_en',
        'cat.response_hours',
        'cat.resolution_hours',
        'r.name_zh as resp_name_zh',
        'r.name_en as resp_name_en',
        'dup.ref as duplicate_of_ref',
        'o.media_url',
        'o.address_id',
      ]);
    if (f.hiddenCategoryIds.length > 0) q = q.where('c.category_id', 'not in', f.hiddenCategoryIds);
    if (f.caseId) q = q.where('c.id', '=', f.caseId);
    if (f.refs) q = q.where('c.ref', 'in', f.refs);
    if (f.categoryCodes) q = q.where('cat.code', 'in', f.categoryCodes);
    if (f.from) q = q.where('c.created_at', '>=', f.from);
    if (f.to) q = q.where('c.created_at', '<=', f.to);
    if (f.states) q = q.where('c.state', 'in', [...f.states]);
    if (f.unitPath) q = q.where('u.path', 'like', `${f.unitPath}%`);
    return q.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc').limit(f.limit).execute();
  }

  /** A building of the registry by its code: the address_id of GeoReport v2 POST requests. */
  buildingByCode(code: string) {
    return this.db
      .selectFrom('buildings')
      .select(['code', 'address', 'lat', 'lng'])
      .where('code', '=', code)
      .executeTakeFirst();
  }

  async insertRequest(
    r: {
      caseId: string;
      apiKeyId: string;
      mediaUrl: string | null;
      addressId: string | null;
      contactEnc: string | null;
      emailMask: string | null;
      phoneMask: string | null;
      nameMask: string | null;
    },
    ex: Kysely<Open311DB> = this.db,
  ): Promise<void> {
    await ex
      .insertInto('open311_requests')
      .values({
        case_id: r.caseId,
        api_key_id: r.apiKeyId,
        media_url: r.mediaUrl,
        address_id: r.addressId,
        contact_enc: r.contactEnc,
        email_mask: r.emailMask,
        phone_mask: r.phoneMask,
        name_mask: r.nameMask,
      })
      .onConflict((oc) => oc.column('case_id').doNothing())
      .execute();
  }

  request(caseId: string) {
    return this.db
      .selectFrom('open311_requests as o')
      .innerJoin('open311_api_keys as k', 'k.id', 'o.api_key_id')
      .select([
        'o.case_id',
        'o.media_url',
        'o.address_id',
        'o.contact_enc',
        'o.email_mask',
        'o.phone_mask',
        'o.name_mask',
        'o.created_at',
        'k.id as key_id',
        'k.name as key_name',
        'k.prefix as key_prefix',
      ])
      .where('o.case_id', '=', caseId)
      .executeTakeFirst();
  }
}

export type RequestRow = Awaited<ReturnType<Open311Repository['requests']>>[number];
