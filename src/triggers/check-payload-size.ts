import { AppError, ErrorCode } from '../errors/app-error.js';

/** GitHub caps webhook payloads at 25 MB and drops bigger ones; nothing legitimate is larger. */
export const maxWebhookBytes = 25 * 1024 * 1024;

export function checkPayloadSize(rawBody: Buffer, maxBytes = maxWebhookBytes): void {
  if (rawBody.length > maxBytes) {
    throw new AppError(
      ErrorCode.payloadTooLarge,
      `webhook payload is ${rawBody.length} bytes, more than the ${maxBytes} accepted`,
      { details: { bytes: rawBody.length, maxBytes } },
    );
  }
}
