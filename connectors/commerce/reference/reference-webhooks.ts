import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { InvalidCommerceWebhookError, type CommerceChange, type CommerceDelivery, type CommerceWebhooks } from '../port';
import { verifySigned } from './signing';
import { ORDER_TOPICS, orderBody, REFUND_TOPIC, refundBody, RETURN_TOPIC_PREFIX, returnBody } from './wire';

/** Parses a stored body with `schema`; a body it cannot read is refused for good (400), never retried. */
function read<T>(schema: z.ZodType<T, unknown>, raw: Buffer, topic: string): T {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new InvalidCommerceWebhookError(`${topic}: body is not JSON`, 400);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new InvalidCommerceWebhookError(`${topic}: ${parsed.error.issues[0]?.message ?? 'unreadable body'}`, 400);
  return parsed.data;
}

/**
 * The reference shop's webhooks: verified like Shopify's (`signing.ts`), interpreted from the body
 * alone — the shop's bodies carry the whole order, payments included, so it needs no read back.
 */
export class ReferenceWebhooks implements CommerceWebhooks {
  constructor(
    readonly source: string,
    private readonly secret: string,
  ) {}

  verify(rawBody: Buffer, headers: IncomingHttpHeaders): CommerceDelivery {
    return verifySigned(rawBody, headers, this.secret);
  }

  async interpret(topic: string, rawBody: Buffer): Promise<CommerceChange> {
    if (ORDER_TOPICS.includes(topic)) {
      const { order, updatedAt } = read(orderBody, rawBody, topic);
      if (order.source !== this.source) throw new InvalidCommerceWebhookError(`${topic}: order of source "${order.source}", not "${this.source}"`, 400);
      return { kind: 'order', order, updatedAt };
    }
    if (topic === REFUND_TOPIC) return { kind: 'refund', refund: read(refundBody, rawBody, topic).refund };
    if (topic.startsWith(RETURN_TOPIC_PREFIX)) return { kind: 'return', ...read(returnBody, rawBody, topic).return };
    return { kind: 'ignored', reason: `topic ${topic} is not used by the graph` };
  }
}
