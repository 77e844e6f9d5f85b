import { ANONYMOUS, BoundedLabel, MAX_LABEL_LENGTH, MAX_OPERATION_NAMES, OTHER, OperationNameLabel, normaliseLabel } from './labels';
import { postingKind } from '../posting-queue/ordered-drain';
import { defineCounter, defineHistogram, metricsRegistry } from './registry';
import { UNRESOLVED, recordGatewayRequest } from './gateway';

describe('label bounding', () => {
  it('keeps the first names up to the cap and buckets every later one into other', () => {
    const label = new OperationNameLabel(3);
    expect(['A', 'B', 'C'].map((name) => label.of(name))).toEqual(['A', 'B', 'C']);
    expect(label.of('D')).toBe(OTHER);
    expect(label.of('E')).toBe(OTHER);
    // Names seen before the cap keep their own series.
    expect(label.of('B')).toBe('B');
  });

  it('reads an operation without a name as anonymous, without using up the cap', () => {
    const label = new OperationNameLabel(1);
    expect(label.of(undefined)).toBe(ANONYMOUS);
    expect(label.of(null)).toBe(ANONYMOUS);
    expect(label.of('')).toBe(ANONYMOUS);
    expect(label.of('GetReturn')).toBe('GetReturn');
  });

  it('cuts long names and replaces characters that do not belong in a label', () => {
    expect(normaliseLabel('x'.repeat(10_000))).toHaveLength(MAX_LABEL_LENGTH);
    expect(normaliseLabel('a"b\nc{d}')).toBe('a_b_c_d_');
    const label = new BoundedLabel(2);
    // Two spellings that normalise alike share one series and one place under the cap.
    expect(label.of('evil"name')).toBe('evil_name');
    expect(label.of('evil\nname')).toBe('evil_name');
    expect(label.of('second')).toBe('second');
    expect(label.of('third')).toBe(OTHER);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new BoundedLabel(0)).toThrow('BoundedLabel cap must be an integer >= 1, but got: 0');
    expect(() => new BoundedLabel(1.5)).toThrow(TypeError);
  });

  it('labels a request that never resolved to an operation as unresolved, whatever name it sent', async () => {
    recordGatewayRequest('Typed', 'not-a-type', 'BAD_USER_INPUT', 0.001);
    recordGatewayRequest('NeverParsed', undefined, 'GRAPHQL_PARSE_FAILED', undefined);
    const metric = await metricsRegistry.getSingleMetric('returns_graph_gateway_requests_total')?.get();
    // A request that never resolved to an operation does not keep the name its client sent.
    expect(metric?.values).toContainEqual({ labels: { operation: UNRESOLVED, type: 'unknown', status: 'BAD_USER_INPUT' }, value: 1 });
    expect(metric?.values).toContainEqual({ labels: { operation: UNRESOLVED, type: 'unknown', status: 'GRAPHQL_PARSE_FAILED' }, value: 1 });
    expect(metric?.values.some((value) => value.labels.operation === 'Typed' || value.labels.operation === 'NeverParsed')).toBe(false);
  });

  // Runs after the test above: the process's operation-name cap fills up here.
  it('holds the gateway to at most the cap of operation series however many names clients send', async () => {
    for (let i = 0; i < 500; i += 1) recordGatewayRequest(`Op${i}`, 'query', undefined, 0.001);
    const metric = await metricsRegistry.getSingleMetric('returns_graph_gateway_requests_total')?.get();
    const operations = new Set(metric?.values.map((value) => value.labels.operation));
    // The capped names, plus `other` and the `unresolved` of the test above.
    expect(operations.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 2);
    expect(operations.has(OTHER)).toBe(true);
    expect(operations.has('Op0')).toBe(true);
    expect(operations.has('Op499')).toBe(false);
  });
});

describe('metric definitions', () => {
  it('holds names to the Prometheus conventions and defines each name once', () => {
    expect(() => defineCounter({ name: 'things', help: 'no suffix' })).toThrow('Counter names end in _total, but got: things');
    expect(() => defineHistogram({ name: 'latency_ms', help: 'wrong unit' })).toThrow(TypeError);
    const first = defineCounter({ name: 'test_defined_once_total', help: 'first' });
    expect(defineCounter({ name: 'test_defined_once_total', help: 'second' })).toBe(first);
  });

  it('names a posting queue by its drain', () => {
    expect(postingKind('CreditMemoPoster')).toBe('credit_memo');
    expect(postingKind('StockMovementPoster')).toBe('stock_movement');
  });
});
