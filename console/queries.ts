/**
 * The console's GraphQL documents, against the public gateway schema. The operations fields
 * (`returnsKpis`, `exceptions`, `trace`, `returnTimeline`) follow the agreed operations schema;
 * views check the signed-in schema has a field before asking for it.
 */

/** Sign-in: root fields (introspection, staff only) and a finance/operations-only probe. */
export const SIGN_IN_FIELDS = `{ __schema { queryType { fields { name } } mutationType { fields { name } } } }`;
/** `reconciliation` is granted to finance and operations_admin only: FORBIDDEN for any other role. */
export const SIGN_IN_PROBE = `{ reconciliation(first: 0) { __typename } }`;

/** `accuracyFields`: the scalar fields of StockStateAccuracy (its measure is the implementer's, read from the schema). */
export const kpisQuery = (accuracyFields: string[]) => `query Kpis($from: DateTime!, $to: DateTime!) {
  returnsKpis(from: $from, to: $to, groupBy: DAY) {
    totals { ...group }
    groups { ...group }
    duplicateAttemptsAbsorbed
    exceptionBacklog { open oldestAgeSeconds byKind { kind count } aging { label count } }
    inventoryAccuracy { state ${accuracyFields.filter((name) => name !== 'state').join(' ')} }
    reconciliationMismatchesOpen
  }
}
fragment group on KpiGroup {
  key returnsRequested returnsCompleted firstTimeRightRate
  refundCycleTime { samples requestToRefundP50Seconds requestToRefundP90Seconds requestToMemoP50Seconds requestToMemoP90Seconds }
}`;

export const EXCEPTIONS = `query Exceptions($first: Int!, $after: String, $kind: ExceptionKind) {
  exceptions(first: $first, after: $after, kind: $kind) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id kind subgraph summary openedAt ageSeconds orderId returnId refundId correlationId
      evidence { label value }
      action { kind label mutation targetId }
    } }
  }
}`;

/** The scalar (and enum) fields of one object type. */
export const TYPE_FIELDS = `query TypeFields($name: String!) { __type(name: $name) { fields { name type { kind name ofType { kind name ofType { kind name } } } } } }`;

const HOP = `at subgraph kind name detail aggregateId eventId correlationId`;
export const TRACE = `query Trace($correlationId: String!) { trace(correlationId: $correlationId) { id correlationId returnId hops { ${HOP} } } }`;
export const RETURN_TIMELINE = `query ReturnTimeline($returnId: ID!) { returnTimeline(returnId: $returnId) { id correlationId returnId hops { ${HOP} } } }`;
export const ORDER_RETURNS = `query OrderReturns($number: String!) { orderByNumber(number: $number) { id number returns { id number status } } }`;

/** The four subgraphs whose event pipelines the console watches. */
export const SUBGRAPHS = ['orders', 'returns', 'inventory', 'refunds'] as const;

const DEAD = `deadLetters(first: 20, status: DEAD) { edges { node { id consumer eventType aggregateId error attempts deadAt } } }`;
export const PIPELINES = `{ ${SUBGRAPHS.map(
  (name) => `${name}: ${name}EventPipeline { subgraph outboxPending outboxLagSeconds pendingRetries deadLetterCount ${DEAD} }`,
).join(' ')} }`;

/** Live feeds (no arguments: staff see every return and refund). */
export const RETURN_UPDATES = `subscription { returnStatusChanged { cursor } }`;
export const REFUND_UPDATES = `subscription { refundUpdated { cursor } }`;
