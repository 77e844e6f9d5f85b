// The SDK itself (sdk.ts) is imported by app/telemetry.ts alone, so nothing else loads it.
export { CorrelationSpanProcessor } from './correlation-processor';
export {
  activeTraceparent,
  contextOfTraceparent,
  CORRELATION_ATTRIBUTE,
  failSpan,
  incomingContext,
  inCallSpan,
  inSpan,
  inStoredTrace,
  inSubgraphSpan,
  inWriteSpan,
  SUBGRAPH_ATTRIBUTE,
  continueIncomingTrace,
  TRACER_NAME,
  tracingEnabled,
  type SpanOptions,
} from './spans';
