/**
 * The return policy engine: a versioned policy document (`schema.ts`, `default-policy.json`),
 * its loader, and pure evaluation functions applied identically to every channel.
 */
export * from './vocabulary';
export { returnPolicySchema, MAX_WINDOW_DAYS, type ReturnPolicy, type WindowRule, type RefundMethodRule, type RestockingFeeRule } from './schema';
export { parsePolicy, loadPolicyFile, loadDefaultPolicy, formatPath, InvalidPolicyError, DEFAULT_POLICY_PATH } from './load';
export { IneligibleCode, FraudSignal, PolicyMessages } from './messages';
export * from './evaluate';
