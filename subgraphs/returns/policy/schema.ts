/**
 * The return policy DOCUMENT: one versioned, data-driven description of the rules every channel
 * applies (issue 4). This file only says what a valid document is; `load.ts` parses one and the
 * evaluation functions read it. Cross-field rules (a catch-all window exists, CASH refunds only at
 * POS for cash tenders, thresholds in order) are checked here too, so a bad document fails at
 * start-up rather than at a customer's counter.
 */
import { z } from 'zod';
import { CHANNELS, FRAUD_OUTCOMES, PAYMENT_METHODS, REFUND_METHODS } from '../../../contracts/vocabulary';
import { CATEGORY_PATTERN, RETURN_REASONS, WILDCARD, WINDOW_STARTS } from './vocabulary';

/**
 * Longest return window a document may set (ten years). Anything longer is a typo (days entered
 * as hours or minutes), and it keeps window arithmetic far inside safe integers.
 */
export const MAX_WINDOW_DAYS = 3650;

const wildcard = z.literal(WILDCARD);
const channelOrAny = z.union([z.enum(CHANNELS), wildcard]);
const tenderOrAny = z.union([z.enum(PAYMENT_METHODS), wildcard]);
const categoryOrAny = z.union([wildcard, z.string().regex(CATEGORY_PATTERN, 'must be "*" or a lower-case category like "electronics"')]);
const nonNegativeMinor = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A list without repeats, so a rule cannot say the same thing twice. */
function uniqueList<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .min(1)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a value');
}

/** A restocking-fee percentage: 0 to 100 with at most two decimals (whole basis points). */
const percent = z
  .number()
  .min(0)
  .max(100)
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-9, 'must have at most two decimals (whole basis points)');

const windowRule = z.strictObject({
  channel: channelOrAny,
  category: categoryOrAny,
  days: z.int().min(0).max(MAX_WINDOW_DAYS),
});

const windowStart = z.strictObject({
  default: z.enum(WINDOW_STARTS),
  channels: z.partialRecord(z.enum(CHANNELS), z.enum(WINDOW_STARTS)),
  undeliveredGraceDays: z.int().min(0).max(MAX_WINDOW_DAYS).nullable(),
});

const refundMethodRule = z.strictObject({
  channel: channelOrAny,
  tender: tenderOrAny,
  methods: uniqueList(z.enum(REFUND_METHODS)),
});

const restockingFeeRule = z.strictObject({
  category: categoryOrAny,
  reasons: z.union([wildcard, uniqueList(z.enum(RETURN_REASONS))]),
  percent,
});

/** Review and decline thresholds of a counted signal; reaching a threshold fires it. */
const countThresholds = z.strictObject({ review: z.int().min(1), decline: z.int().min(1) });

const fraud = z.strictObject({
  returnsIn30Days: countThresholds,
  returnsIn90Days: countThresholds,
  returnedValueRatio90Days: z.strictObject({
    reviewBasisPoints: z.int().min(1),
    declineBasisPoints: z.int().min(1),
    minimumReturns: z.int().min(1),
  }),
  receiptless: z.strictObject({ outcome: z.enum(FRAUD_OUTCOMES) }),
});

const documentShape = z.strictObject({
  version: z.int().min(1),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  effectiveFrom: z.iso.datetime({ offset: true }),
  windows: z.array(windowRule).min(1),
  windowStart,
  finalSale: z.strictObject({ returnable: z.boolean() }),
  refundMethods: z.array(refundMethodRule).min(1),
  restockingFees: z.array(restockingFeeRule),
  approval: z.strictObject({ autoApproveUpToMinor: nonNegativeMinor, managerApprovalAboveMinor: nonNegativeMinor }),
  fraud,
});

type Shape = z.infer<typeof documentShape>;
type Issue = { path: (string | number)[]; message: string };

/** Two rules with the same pair of keys would make "most specific wins" ambiguous. */
function duplicateKeys<R>(rules: readonly R[], key: (rule: R) => string, field: string, what: string): Issue[] {
  const seen = new Map<string, number>();
  const issues: Issue[] = [];
  rules.forEach((rule, index) => {
    const k = key(rule);
    const first = seen.get(k);
    if (first === undefined) seen.set(k, index);
    else issues.push({ path: [field, index], message: `repeats the ${what} of ${field}[${first}] (${k})` });
  });
  return issues;
}

/** Cross-field rules of a document whose fields each passed their own checks. */
function documentRules(doc: Shape): Issue[] {
  const issues: Issue[] = [];
  if (!doc.windows.some((r) => r.channel === WILDCARD && r.category === WILDCARD)) {
    issues.push({ path: ['windows'], message: 'needs a catch-all rule { "channel": "*", "category": "*" } so every line has a window' });
  }
  issues.push(...duplicateKeys(doc.windows, (r) => `${r.channel}/${r.category}`, 'windows', 'channel and category'));
  if (!doc.refundMethods.some((r) => r.channel === WILDCARD && r.tender === WILDCARD)) {
    issues.push({ path: ['refundMethods'], message: 'needs a catch-all rule { "channel": "*", "tender": "*" } so every tender has refund methods' });
  }
  issues.push(...duplicateKeys(doc.refundMethods, (r) => `${r.channel}/${r.tender}`, 'refundMethods', 'channel and tender'));
  doc.refundMethods.forEach((r, index) => {
    // Cash leaves the drawer only at a counter, and only to give back cash that went into one.
    if (r.methods.includes('CASH') && (r.channel !== 'POS' || r.tender !== 'CASH')) {
      issues.push({ path: ['refundMethods', index, 'methods'], message: 'CASH refunds are allowed only in a rule with "channel": "POS" and "tender": "CASH"' });
    }
  });
  issues.push(...restockingOverlaps(doc.restockingFees));
  for (const key of ['returnsIn30Days', 'returnsIn90Days'] as const) {
    if (doc.fraud[key].review > doc.fraud[key].decline) {
      issues.push({ path: ['fraud', key, 'review'], message: 'must not be above decline' });
    }
  }
  const ratio = doc.fraud.returnedValueRatio90Days;
  if (ratio.reviewBasisPoints > ratio.declineBasisPoints) {
    issues.push({ path: ['fraud', 'returnedValueRatio90Days', 'reviewBasisPoints'], message: 'must not be above declineBasisPoints' });
  }
  if (doc.approval.autoApproveUpToMinor > doc.approval.managerApprovalAboveMinor) {
    issues.push({ path: ['approval', 'autoApproveUpToMinor'], message: 'must not be above managerApprovalAboveMinor' });
  }
  return issues;
}

/** Within one category, a reason may be named by one rule only, and "*" may be used once. */
function restockingOverlaps(rules: Shape['restockingFees']): Issue[] {
  const claimed = new Map<string, number>();
  const issues: Issue[] = [];
  rules.forEach((rule, index) => {
    const reasons = rule.reasons === WILDCARD ? [WILDCARD] : rule.reasons;
    for (const reason of reasons) {
      const key = `${rule.category}/${reason}`;
      const first = claimed.get(key);
      if (first === undefined) claimed.set(key, index);
      else
        issues.push({
          path: ['restockingFees', index, 'reasons'],
          message: `${reason} for category "${rule.category}" is already covered by restockingFees[${first}]`,
        });
    }
  });
  return issues;
}

/** The zod schema of a return policy document, field checks and cross-field rules together. */
export const returnPolicySchema = documentShape.superRefine((doc, ctx) => {
  for (const issue of documentRules(doc)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

/** A validated return policy document. */
export type ReturnPolicy = z.infer<typeof returnPolicySchema>;
/** One return-window rule of a policy. */
export type WindowRule = ReturnPolicy['windows'][number];
/** One refund-method rule of a policy. */
export type RefundMethodRule = ReturnPolicy['refundMethods'][number];
/** One restocking-fee rule of a policy. */
export type RestockingFeeRule = ReturnPolicy['restockingFees'][number];
