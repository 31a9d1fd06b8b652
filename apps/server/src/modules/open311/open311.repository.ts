import type { Kysely } from 'kysely';
import type { PublicCaseRow } from '../cases/cases.types.js';
import type { Open311DB } from './open311.tables.js';

/**
 * The SQL over the Open311 tables and the registry's buildings. The cases themselves are read
 * through CaseService.publicCases (Open311 reads are anonymous: only the columns a public service
 * request may show); this adds what Open311 keeps beside a case. Writes of cases never happen
 * here: they are created by CaseService.intake.
 */
export class Open311Repository {
  constructor(private readonly db: Kysely<Open311DB>) {}

  /** What Open311 keeps beside each of these cases (cases not posted through Open311 have none). */
  async extras(
    caseIds: string[],
  ): Promise<Map<string, { media_url: string | null; address_id: string | null }>> {
    if (caseIds.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('open311_requests')
      .select(['case_id', 'media_url', 'address_id'])
      .where('case_id', 'in', caseIds)
      .execute();
    return new Map(rows.map((r) => [r.case_id, { media_url: r.media_url, address_id: r.address_id }]));
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

/** A service request: the case's public columns and what Open311 keeps beside it. */
export type RequestRow = PublicCaseRow & { media_url: string | null; address_id: string | null };
