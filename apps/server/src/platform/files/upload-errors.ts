import { AppError } from '../errors/errors.js';

/**
 * Why an upload was refused. Each reason is also the problem `code` clients see, so the web app
 * and Open311 clients can branch on it; the message says what to do about it.
 */
export type UploadRejection =
  'file_empty' | 'file_too_large' | 'file_type_unknown' | 'file_type_not_allowed' | 'file_malformed';

const statusOf: Record<UploadRejection, number> = {
  file_empty: 400,
  file_too_large: 413,
  file_type_unknown: 415,
  file_type_not_allowed: 415,
  file_malformed: 400,
};

export class UploadRejectedError extends AppError {
  constructor(
    readonly reason: UploadRejection,
    message: string,
    body?: Record<string, unknown>,
  ) {
    super(statusOf[reason], reason, message, body ? { body } : {});
  }
}

export const fileEmpty = () => new UploadRejectedError('file_empty', 'The file is empty.');
export const fileTooLarge = (maxBytes: number) =>
  new UploadRejectedError('file_too_large', `The file is larger than ${maxBytes} bytes.`, { maxBytes });
export const fileTypeUnknown = (allowed: readonly string[]) =>
  new UploadRejectedError(
    'file_type_unknown',
    `The file's content is not a recognised type; allowed: ${allowed.join(', ')}.`,
    { allowed },
  );
/** `hint`, when given, says what the sender can do instead; it is in the message and the body. */
export const fileTypeNotAllowed = (detected: string, allowed: readonly string[], hint?: string) =>
  new UploadRejectedError(
    'file_type_not_allowed',
    `The file's content is ${detected}, which is not allowed; allowed: ${allowed.join(', ')}.` +
      (hint ? ` ${hint}` : ''),
    hint ? { detected, allowed, hint } : { detected, allowed },
  );

/** Thrown by the format parsers: a damaged file is refused with this, never a crash. */
export class MalformedFileError extends UploadRejectedError {
  constructor(format: string, problem: string) {
    super('file_malformed', `The ${format} file is damaged or truncated: ${problem}.`, { format });
  }
}
