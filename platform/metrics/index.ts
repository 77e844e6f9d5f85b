/** Prometheus metrics of every process: one registry, `/metrics`, and one named function per call site. */
export { metricsRegistry, METRIC_PREFIX, stopwatch } from './registry';
export { metricsRoute } from './route';
export { recordGatewayRequest, recordSubgraphFetch, recordSubscriptionDelivery, watchSubscriptions } from './gateway';
export {
  recordConsumerHandled,
  recordConsumerRetry,
  recordDeadLetter,
  recordDeadLetterReplays,
  recordIdempotentAnswer,
  recordRelayPublished,
  watchOutbox,
} from './pipeline';
export { recordErpPosting, recordRefundTransition, recordThrottleWait, timeProviderCall, timeThrottleWait, watchPool } from './backends';
