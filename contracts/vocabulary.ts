import { z } from 'zod';
import { CURRENCY_CODES, type CurrencyCode } from '../platform/money';

/**
 * The closed vocabularies every subgraph speaks, written once. Each is a const array (for code
 * that enumerates it), its type, and a zod enum (for event schemas and parsers). The GraphQL
 * enums of the same names stay in each `schema.graphql`, because federation needs each subgraph
 * to declare the enums it uses; `vocabulary.test.ts` keeps them equal to these lists.
 */

/** Where an order was placed and where a return is asked for (`Channel` in the graph). */
export const CHANNELS = ['ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE'] as const;
/** One of `CHANNELS`. */
export type Channel = (typeof CHANNELS)[number];
/** `CHANNELS` as a zod enum. */
export const channel = z.enum(CHANNELS);

/** How an order was paid (`PaymentMethod` in the graph); a "tender" in store terms. */
export const PAYMENT_METHODS = ['CARD', 'PAYPAL', 'GIFT_CARD', 'STORE_CREDIT', 'CASH'] as const;
/** One of `PAYMENT_METHODS`. */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
/** `PAYMENT_METHODS` as a zod enum. */
export const paymentMethod = z.enum(PAYMENT_METHODS);

/** How a refund is paid out (`RefundMethod` in the graph); results list them in this order. */
export const REFUND_METHODS = ['ORIGINAL_PAYMENT', 'STORE_CREDIT', 'GIFT_CARD', 'CASH'] as const;
/** One of `REFUND_METHODS`. */
export type RefundMethod = (typeof REFUND_METHODS)[number];
/** `REFUND_METHODS` as a zod enum. */
export const refundMethod = z.enum(REFUND_METHODS);

/** Fraud assessment of a return, from best to worst (`FraudOutcome`): the worst signal that fired decides. */
export const FRAUD_OUTCOMES = ['APPROVE', 'REVIEW', 'DECLINE'] as const;
/** One of `FRAUD_OUTCOMES`. */
export type FraudOutcome = (typeof FRAUD_OUTCOMES)[number];
/** `FRAUD_OUTCOMES` as a zod enum. */
export const fraudOutcome = z.enum(FRAUD_OUTCOMES);

/** The return's process states (`ReturnStatus`); the allowed moves are the returns subgraph's `TRANSITIONS`. */
export const RETURN_STATUSES = [
  'REQUESTED',
  'AUTHORIZED',
  'DECLINED',
  'CANCELED',
  'IN_TRANSIT',
  'PARTIALLY_RECEIVED',
  'RECEIVED',
  'INSPECTED',
  'COMPLETED',
] as const;
/** One of `RETURN_STATUSES`. */
export type ReturnStatus = (typeof RETURN_STATUSES)[number];
/** `RETURN_STATUSES` as a zod enum. */
export const returnStatus = z.enum(RETURN_STATUSES);

/** What inspection decides for a returned unit (`Disposition`); SCRAP takes it out of stock. */
export const DISPOSITIONS = ['SELLABLE', 'DAMAGED', 'REFURBISH', 'VENDOR_RETURN', 'SCRAP'] as const;
/** One of `DISPOSITIONS`. */
export type Disposition = (typeof DISPOSITIONS)[number];
/** `DISPOSITIONS` as a zod enum. */
export const disposition = z.enum(DISPOSITIONS);

/** The states stock is kept in, in display order (`StockState`); scrapped units leave stock. */
export const STOCK_STATES = ['INCOMING', 'PENDING_INSPECTION', 'SELLABLE', 'RESERVED', 'DAMAGED', 'REFURBISH', 'VENDOR_RETURN'] as const;
/** One of `STOCK_STATES`. */
export type StockState = (typeof STOCK_STATES)[number];
/** `STOCK_STATES` as a zod enum. */
export const stockState = z.enum(STOCK_STATES);

/** The refund's financial states (`RefundStatus`); the allowed moves are the refunds subgraph's `REFUND_TRANSITIONS`. */
export const REFUND_STATUSES = ['PENDING', 'SUBMITTED', 'REQUIRES_ACTION', 'SUCCEEDED', 'FAILED', 'CANCELED'] as const;
/** One of `REFUND_STATUSES`. */
export type RefundStatus = (typeof REFUND_STATUSES)[number];
/** `REFUND_STATUSES` as a zod enum. */
export const refundStatus = z.enum(REFUND_STATUSES);

/**
 * The ISO 4217 currencies the graph accepts. The list lives in `platform/money.ts` beside the
 * minor-unit exponents it must agree with (and the `CurrencyCode` enum is generated from it);
 * it is named here so that event schemas refuse any other code.
 */
export { CURRENCY_CODES, type CurrencyCode };
/** `CURRENCY_CODES` as a zod enum. */
export const currencyCode = z.enum(CURRENCY_CODES);
