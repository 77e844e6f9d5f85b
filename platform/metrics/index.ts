/** Prometheus metrics of every process: one registry, `/metrics`, and one named function per call site. */
export { metricsRegistry, METRIC_PREFIX, stopwatch } from './registry';
export { metricsRoute } from './route';
// Before './pipeline': metrics are collected in the order they were defined, so the pool's clients
// are read before the outbox-lag queries of the same scrape take one and show as `waiting`.
export { recordErpPosting, recordRefundTransition, recordThrottleWait, timeProviderCall, timeThrottleWait, watchPool } from './backends';
export { recordAdmissionRefused, recordAdmitted, watchAdmission } from './admission';
export {
  recordGatewayRequest,
  recordMergedSubgraphFetch,
  recordSubgraphFetch,
  recordSubscriptionDelivery,
  recordSubscriptionResolution,
  watchSubscriptions,
} from './gateway';
export {
  recordConsumerHandled,
  recordConsumerRetry,
  recordDeadLetter,
  recordDeadLetterReplays,
  recordIdempotentAnswer,
  recordRelayPublished,
  watchOutbox,
} from './pipeline';
