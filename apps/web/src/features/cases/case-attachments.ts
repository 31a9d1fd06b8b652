import type { AttachmentPurpose, CaseAttachment } from '@civitas/contracts/cases';
import { api } from '../../app/api-client';

export type { CaseAttachment };

/**
 * Uploads one file to a case (multipart field `file`). The purpose goes before the file: the
 * server reads the fields in order and stops at the file.
 */
export function uploadAttachment(
  caseId: string,
  file: Blob,
  fileName: string,
  purpose: AttachmentPurpose,
): Promise<CaseAttachment> {
  const form = new FormData();
  form.append('purpose', purpose);
  form.append('file', file, fileName);
  return api<CaseAttachment>(`/cases/${caseId}/attachments`, { method: 'POST', form });
}
