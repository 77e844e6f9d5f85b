import type { Db } from '../../../platform/db';
import type { ErpConnector } from '../../../connectors/erp/port';
import type { Resolvers } from '../generated/graphql';
import type { RefundsPayments } from '../payments';
import { validatedReconciliationSettings, type ReconciliationSettings } from '../settings';
import { Reconciler } from './engine';
import { reconciliationResolvers } from './resolvers';
import { ReconciliationWorker } from './worker';

const HOUR_MS = 3_600_000;

/**
 * The three-way reconciliation as the refunds subgraph mounts it: one reconciler over the same
 * providers the executor pays through (each gateway, and the simulated stand-in for the rest) and
 * the ERP, the schedule's worker (idle when `intervalMs` is 0), and its resolvers.
 */
export function reconciliationParts(db: Db, payments: RefundsPayments, erp: ErpConnector, settings: ReconciliationSettings | undefined) {
  const resolved = validatedReconciliationSettings(settings);
  const reconciler = new Reconciler(db, { gateways: payments.gateways, fallback: payments.simulated, erp }, { graceMs: resolved.graceHours * HOUR_MS });
  const worker = new ReconciliationWorker(db, reconciler, { intervalMs: resolved.intervalMs, lookbackMs: resolved.lookbackHours * HOUR_MS });
  const own = reconciliationResolvers(reconciler);
  return {
    reconciler,
    worker,
    /** `base` with the reconciliation's queries, mutation and types added. */
    withResolvers(base: Resolvers): Resolvers {
      return { ...base, ...own, Query: { ...base.Query, ...own.Query }, Mutation: { ...base.Mutation, ...own.Mutation } };
    },
  };
}
