/**
 * Adyen's HMAC signature of a standard notification item, written from Adyen's documentation
 * (https://docs.adyen.com/development-resources/webhooks/verify-hmac-signatures) independently of
 * the library, so the library's `hmacValidator` in `adyen-webhooks.ts` is tested against a second
 * implementation, not against itself: HMAC-SHA256 with the hex-decoded key over
 * `pspReference:originalReference:merchantAccountCode:merchantReference:value:currency:eventCode:success`
 * (absent fields as empty strings), Base64-encoded.
 */
import { createHmac } from 'node:crypto';

/** The fields of a notification item that the signature covers. */
export interface SignedNotificationFields {
  pspReference: string;
  originalReference?: string;
  merchantAccountCode: string;
  merchantReference: string;
  amount: { value: number; currency: string };
  eventCode: string;
  success: 'true' | 'false';
}

/** The `additionalData.hmacSignature` of `item` under `hexKey`. */
export function adyenHmacSignature(item: SignedNotificationFields, hexKey: string): string {
  const payload = [
    item.pspReference,
    item.originalReference ?? '',
    item.merchantAccountCode,
    item.merchantReference,
    String(item.amount.value),
    item.amount.currency,
    item.eventCode,
    item.success,
  ].join(':');
  return createHmac('sha256', Buffer.from(hexKey, 'hex')).update(payload, 'utf8').digest('base64');
}
