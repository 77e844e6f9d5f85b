/**
 * Shopify's money (decimal strings such as `"19.99"` in a `MoneyBag`) as integer minor units.
 * Only string arithmetic (`platform/money.ts` `parseDecimal`), never parseFloat: `"0.1" + "0.2"`
 * must be 30 cents, not 30.000000000000004.
 */
import { parseDecimal } from '../../../platform/money';

/** Shopify's `MoneyV2`. */
export interface ShopifyMoney {
  amount: string;
  currencyCode: string;
}

/** Shopify's `MoneyBag`: the amount in the shop's currency and in the buyer's. */
export interface ShopifyMoneyBag {
  shopMoney: ShopifyMoney;
}

/**
 * Shopify sends some amounts with more decimals than the currency has (`"10.0"` for JPY, `"5.000"`
 * for USD in older receipts). Trailing zeros carry no value, so they are dropped before parsing;
 * a non-zero digit beyond the currency's precision still fails, since that is not money we can hold.
 */
function trimTrailingZeros(amount: string): string {
  if (!amount.includes('.')) return amount;
  return amount.replace(/0+$/, '').replace(/\.$/, '');
}

/** A decimal amount in minor units of `currency`; throws a RangeError naming it when it is not one. */
export function minorOf(amount: string, currency: string): number {
  return parseDecimal(trimTrailingZeros(amount.trim()), currency);
}

/**
 * The shop-currency amount of a money bag in minor units. The bag's currency must be the order's:
 * the graph keeps one currency per order, and mixing them would be a silent conversion.
 */
export function shopMinor(bag: ShopifyMoneyBag | null | undefined, currency: string): number {
  if (!bag) return 0;
  if (bag.shopMoney.currencyCode !== currency) {
    throw new RangeError(`an amount in ${bag.shopMoney.currencyCode} on an order in ${currency}`);
  }
  return minorOf(bag.shopMoney.amount, currency);
}

/** The sum of several shop-currency amounts, in minor units. */
export function sumShopMinor(bags: readonly (ShopifyMoneyBag | null | undefined)[], currency: string): number {
  return bags.reduce((total, bag) => total + shopMinor(bag, currency), 0);
}
