import { endpoints } from '@civitas/contracts/endpoints';
import type { AttachmentPurpose, CaseAttachment } from '@civitas/contracts/cases';
import { call } from '../../app/api-client';

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
  return call(endpoints.cases.upload, { params: { id: caseId }, form });
}
