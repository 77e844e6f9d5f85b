/**
 * Webhook signing exactly as Stripe documents it (https://docs.stripe.com/webhooks#verify-manually),
 * written independently of the SDK so the SDK's check in `stripe-webhooks.ts` is tested against a
 * second implementation, not against itself.
 */
import { createHmac } from 'node:crypto';

/** The `Stripe-Signature` header for `payload` signed with `secret` at `timestampSeconds`. */
export function stripeSignatureHeader(payload: string, secret: string, timestampSeconds: number): string {
  const signature = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${signature}`;
}
