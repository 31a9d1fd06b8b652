import type { CategoryAttribute } from '@civitas/contracts/cases';
import type { Actor, RequestContext } from '../../platform/auth/actor.js';
import type { AuditLog } from '../../platform/audit/audit-log.js';
import type { FieldCipher } from '../../platform/crypto/field-cipher.js';
import type { OrgUnitRow } from '../orgs/orgs.service.js';
import { notFound } from '../../platform/errors/errors.js';
import type { CaseConfigService } from '../cases/config/case-config.service.js';
import type { CaseService } from '../cases/cases.service.js';
import type { CategoryRow, PublicCaseFilter } from '../cases/cases.types.js';
import type { OrgsService } from '../orgs/orgs.service.js';
import { o311BadRequest, o311Forbidden, o311NotFound } from './open311.errors.js';
import { contactMasks, sealContact } from './open311-contact.js';
import { asOpen311Tx } from './open311.tables.js';
import type { Submission } from './open311-form.js';
import type { Open311KeysService } from './open311-keys.service.js';
import {
  presentDefinition,
  presentRequest,
  presentService,
  serviceNotice,
  statesFor,
  type Locale,
} from './open311.presenter.js';
import { commaList, dateWindow, MAX_REQUESTS, parseW3cDate } from './open311-query.js';
import type { Open311Repository, RequestRow } from './open311.repository.js';

/**
 * Categories whose requests Open311 never offers or shows: their location points at a person
 * (an elderly resident's home, the parties of a dispute), which PIPL treats as whereabouts.
 * Sub-categories follow their root.
 */
export const PRIVATE_CATEGORY_ROOTS = ['elderly_assistance', 'neighbour_dispute'];

export interface RequestsQuery {
  jurisdiction_id?: string | undefined;
  service_request_id?: string | undefined;
  service_code?: string | undefined;
  start_date?: string | undefined;
  end_date?: string | undefined;
  status?: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Open311 GeoReport v2 adapter: it only translates. Services are the case categories, a
 * request is a case, and POST requests ends in CaseService.intake like every other channel.
 */
export class Open311Service {
  constructor(
    private readonly repo: Open311Repository,
    private readonly keys: Open311KeysService,
    private readonly cases: CaseService,
    private readonly caseConfig: CaseConfigService,
    private readonly orgs: OrgsService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditLog,
  ) {}

  /** Active categories Open311 may offer, each with its root (the service group). */
  private async offered(): Promise<{ category: CategoryRow; root: CategoryRow }[]> {
    const all = await this.caseConfig.categories();
    const byId = new Map(all.map((c) => [c.id, c]));
    const rootOf = (c: CategoryRow): CategoryRow => {
      const seen = new Set<string>();
      let r = c;
      while (r.parent_id && !seen.has(r.id)) {
        seen.add(r.id);
        const p = byId.get(r.parent_id);
        if (!p) break;
        r = p;
      }
      return r;
    };
    return all
      .map((category) => ({ category, root: rootOf(category) }))
      .filter((x) => x.category.active && !PRIVATE_CATEGORY_ROOTS.includes(x.root.code))
      .sort((a, b) => a.category.sort - b.category.sort || a.category.code.localeCompare(b.category.code));
  }

  private async hiddenCategoryIds(): Promise<string[]> {
    const offered = new Set((await this.offered()).map((x) => x.category.id));
    return (await this.caseConfig.categories()).filter((c) => !offered.has(c.id)).map((c) => c.id);
  }

  /** Cases as the public sees them (CaseService.publicCases), with what Open311 keeps beside each. */
  private async requestRows(f: PublicCaseFilter): Promise<RequestRow[]> {
    const cases = await this.cases.publicCases(f);
    const extras = await this.repo.extras(cases.map((c) => c.id));
    return cases.map((c) => ({ ...c, media_url: null, address_id: null, ...extras.get(c.id) }));
  }

  /** jurisdiction_id is an org unit code; optional, since one server may serve one jurisdiction. */
  async jurisdiction(code: string | undefined): Promise<OrgUnitRow | undefined> {
    if (!code) return undefined;
    const unit = await this.orgs.findByCode(code);
    if (!unit) throw o311NotFound(`jurisdiction_id ${code} was not found.`);
    return unit;
  }

  async services(jurisdictionId: string | undefined, locale: Locale) {
    await this.jurisdiction(jurisdictionId);
    return (await this.offered()).map(({ category, root }) => presentService(category, root, locale));
  }

  async definition(code: string, jurisdictionId: string | undefined, locale: Locale) {
    await this.jurisdiction(jurisdictionId);
    const found = (await this.offered()).find((x) => x.category.code === code);
    if (!found) throw o311NotFound(`service_code ${code} was not found.`);
    return presentDefinition(found.category, locale);
  }

  async requests(q: RequestsQuery, locale: Locale) {
    const unit = await this.jurisdiction(q.jurisdiction_id);
    const hiddenCategoryIds = await this.hiddenCategoryIds();
    const refs = commaList(q.service_request_id);
    // "service_request_id ... overrides all other arguments".
    if (refs) {
      if (refs.length > MAX_REQUESTS) throw o311BadRequest(`At most ${MAX_REQUESTS} service_request_id.`);
      const rows = await this.requestRows({ refs, hiddenCategoryIds, limit: MAX_REQUESTS });
      return rows.map((r) => presentRequest(r, locale));
    }
    const codes = commaList(q.service_code);
    if (codes) {
      const offered = new Set((await this.offered()).map((x) => x.category.code));
      const unknown = codes.filter((c) => !offered.has(c));
      if (unknown.length > 0) throw o311NotFound(`service_code ${unknown.join(', ')} was not found.`);
    }
    const statuses = commaList(q.status);
    if (statuses?.some((s) => s !== 'open' && s !== 'closed'))
      throw o311BadRequest('status must be open or closed (or both, comma delimited).');
    const { from, to } = dateWindow(q.start_date, q.end_date, this.cases.now());
    const rows = await this.requestRows({
      categoryCodes: codes,
      from,
      to,
      states: statuses?.flatMap((s) => statesFor(s as 'open' | 'closed')),
      unitPath: unit?.path,
      hiddenCategoryIds,
      limit: MAX_REQUESTS,
    });
    return rows.map((r) => presentRequest(r, locale));
  }

  async request(ref: string, jurisdictionId: string | undefined, locale: Locale) {
    const unit = await this.jurisdiction(jurisdictionId);
    const rows = await this.requestRows({
      refs: [ref],
      unitPath: unit?.path,
      hiddenCategoryIds: await this.hiddenCategoryIds(),
      limit: 1,
    });
    if (rows.length === 0) throw o311NotFound(`service_request_id ${ref} was not found.`);
    return rows.map((r) => presentRequest(r, locale));
  }

  /**
   * GET tokens/{token}. Requests are created in real time, so POST returns the service_request_id
   * and no token (spec). The token this server resolves is the Civitas case id, the id in the
   * case API and in links of the web app, so those can be turned into the Open311 id.
   */
  async token(token: string, jurisdictionId: string | undefined) {
    const unit = await this.jurisdiction(jurisdictionId);
    const rows = UUID.test(token)
      ? await this.requestRows({
          caseId: token.toLowerCase(),
          unitPath: unit?.path,
          hiddenCategoryIds: await this.hiddenCategoryIds(),
          limit: 1,
        })
      : [];
    const row = rows[0];
    if (!row) throw o311NotFound(`token ${token} was not found.`);
    return [{ service_request_id: row.ref, token }];
  }

  /** POST requests: the integrator's key, a place inside its scope, then the one case intake. */
  async submit(ctx: RequestContext, s: Submission, locale: Locale) {
    const key = await this.keys.authenticate(s.apiKey);
    const unit = await this.jurisdiction(s.jurisdictionId);
    const found = (await this.offered()).find((x) => x.category.code === s.serviceCode);
    if (!found) throw o311NotFound(`service_code ${s.serviceCode} was not found.`);
    const category = found.category;
    const place = await this.locate(s);
    const units = await this.orgs.containing(place.lat, place.lng);
    const deepest = units[units.length - 1];
    if (!deepest)
      throw o311BadRequest(
        'The location lies outside every area this server serves; no one is responsible there.',
      );
    if (unit && !deepest.path.startsWith(unit.path))
      throw o311BadRequest(`The location lies outside jurisdiction_id ${unit.code}.`);
    if (!deepest.path.startsWith(key.unit_path))
      throw o311Forbidden(
        `This api_key may submit requests only inside ${key.unit_code}; the location lies outside it.`,
      );
    const attributes = coerceAttributes(category.attributes as CategoryAttribute[], s.attributes);
    const row = await this.cases.intake(
      ctx,
      {
        channel: 'open311',
        category: category.code,
        title: titleOf(s.description) ?? { code: 'category' },
        description: s.description,
        lat: place.lat,
        lng: place.lng,
        address: place.address,
        attributes,
        sourceRef: null,
        reporterId: null,
      },
      null,
      // The request row and its audit entry commit with the case, or none of them does.
      async (trx, created) => {
        await this.repo.insertRequest(
          {
            caseId: created.id,
            apiKeyId: key.id,
            mediaUrl: s.mediaUrl ?? null,
            addressId: place.addressId,
            contactEnc: sealContact(this.cipher, created.id, s),
            ...contactMasks(s),
          },
          asOpen311Tx(trx),
        );
        await this.audit.append(trx, ctx, {
          action: 'open311.request',
          targetType: 'case',
          targetId: created.id,
          targetUnitId: created.org_unit_id,
          detail: { ref: created.ref, apiKeyId: key.id, integrator: key.name, service: category.code },
        });
      },
    );
    return [
      {
        service_request_id: row.ref,
        service_notice: serviceNotice(category.response_hours, category.resolution_hours, locale),
        account_id: s.accountId ?? null,
      },
    ];
  }

  /** lat/long, or a registry building by address_id; an address_string alone cannot be placed. */
  private async locate(s: Submission) {
    if ((s.lat === undefined) !== (s.long === undefined))
      throw o311BadRequest('lat and long must be sent together.');
    const building = s.addressId ? await this.repo.buildingByCode(s.addressId) : undefined;
    if (s.addressId && !building && s.lat === undefined)
      throw o311BadRequest(`address_id ${s.addressId} is not a building code known to this server.`);
    if (s.lat !== undefined && s.long !== undefined)
      return {
        lat: s.lat,
        lng: s.long,
        address: s.addressString ?? building?.address ?? null,
        addressId: building ? building.code : null,
      };
    if (building)
      return {
        lat: building.lat,
        lng: building.lng,
        address: s.addressString ?? building.address,
        addressId: building.code,
      };
    if (s.addressString)
      throw o311BadRequest(
        'address_string alone cannot be placed: this server has no geocoder. Send lat and long, or an address_id (building code).',
      );
    throw o311BadRequest('A location is required: lat and long, address_string or address_id.');
  }

  /**
   * Staff: what an Open311 case carries beyond the case, contact masked. Same reach as the case;
   * the masked contact is personal data, so the look is audited like a resident's masked record.
   */
  async info(ctx: RequestContext & { actor: Actor }, caseId: string) {
    const { row, view } = await this.cases.get(ctx.actor, caseId);
    const r = await this.repo.request(caseId);
    if (view !== 'staff' || !r) throw notFound('Open311 request');
    await this.cases.looked(ctx, row, { action: 'open311.request.read' });
    return r;
  }

  /** The one way to the plain contact: a staff member who can see the case, a reason, an audit row first. */
  async reveal(ctx: RequestContext & { actor: Actor }, caseId: string, reason: string) {
    const { row, view } = await this.cases.get(ctx.actor, caseId);
    const r = await this.repo.request(caseId);
    if (view !== 'staff' || !r) throw notFound('Open311 request');
    await this.audit.record(ctx, {
      action: 'open311.contact_reveal',
      targetType: 'case',
      targetId: caseId,
      targetUnitId: row.org_unit_id,
      detail: { ref: row.ref, reason },
    });
    return r;
  }
}

/** A case needs a title; Open311 has none, so the first line of the description serves. */
/** The description's first line; without one, the category's name in each reader's language. */
function titleOf(description: string): string | null {
  const first = description.split(/\r?\n/)[0]?.trim() ?? '';
  if (!first) return null;
  return [...first].length > 80 ? `${[...first].slice(0, 79).join('')}…` : first;
}

/** attribute[code]=value into the case's attribute values; the case center checks them further. */
function coerceAttributes(defs: CategoryAttribute[], given: Record<string, string | string[]>) {
  const out: Record<string, string | number | string[]> = {};
  const byCode = new Map(defs.map((d) => [d.code, d]));
  for (const [code, value] of Object.entries(given)) {
    const d = byCode.get(code);
    if (!d) throw o311BadRequest(`attribute[${code}] is not an attribute of this service.`);
    if (Array.isArray(value) && d.datatype !== 'multivaluelist')
      throw o311BadRequest(`attribute[${code}] takes one value.`);
    if (d.datatype === 'multivaluelist') out[code] = Array.isArray(value) ? value : [value];
    else if (d.datatype === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw o311BadRequest(`attribute[${code}] must be a number.`);
      out[code] = n;
    } else if (d.datatype === 'datetime') {
      out[code] = parseW3cDate(value as string, `attribute[${code}]`).toISOString();
    } else out[code] = value;
  }
  for (const d of defs)
    if (d.required && out[d.code] === undefined)
      throw o311BadRequest(`attribute[${d.code}] is required for this service.`);
  return out;
}
