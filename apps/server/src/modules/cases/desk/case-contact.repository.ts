import type { Transaction } from 'kysely';
import type { SealedContact } from './case-contact.js';
import type { CaseDB } from '../cases.tables.js';

/** The only SQL of the caller contact: written once, at intake, inside the intake transaction. */
export class CaseContactRepository {
  async store(trx: Transaction<CaseDB>, caseId: string, sealed: SealedContact): Promise<void> {
    await trx.updateTable('cases').set(sealed).where('id', '=', caseId).execute();
  }
}
