import type { Channel, PaymentMethod } from '../../../contracts/vocabulary';

/** `RecordOrderInput` as GraphQL hands it to the resolver: amounts still decimal strings. */
export interface RecordOrderInput {
  source: string;
  externalId: string;
  channel: Channel;
  storeId?: string | null;
  marketplacePartnerId?: string | null;
  customer: { id: string; email?: string | null; name?: string | null };
  placedAt: Date;
  deliveredAt?: Date | null;
  cancelledAt?: Date | null;
  currencyCode: string;
  lines: OrderLineInput[];
  shipping?: { method: string; amount: string; tax?: string | null } | null;
  payments?: PaymentInput[] | null;
}

/** `OrderLineInput`: one line as the commerce platform reports it. */
export interface OrderLineInput {
  sku: string;
  title: string;
  category: string;
  quantity: number;
  unitPrice: string;
  discount?: string | null;
  tax?: string | null;
  finalSale?: boolean | null;
}

/** `PaymentInput`: one captured payment. */
export interface PaymentInput {
  provider: string;
  providerReference: string;
  method: PaymentMethod;
  capturedAmount: string;
  capturedAt: Date;
}
