import { assertSameAnswers, type Answer } from './peers-check';

const order = { number: 'R100001', lines: [{ sku: 'SKU-1', quantity: 1 }], returns: [], refunds: [] };
const answer = (endpoint: string, body: unknown, status = 200): Answer => ({ endpoint, status, body });

describe('assertSameAnswers', () => {
  it('accepts the same data from every endpoint', () => {
    expect(() =>
      assertSameAnswers('read', [answer('ours', { data: { orderByNumber: order } }), answer('Hive', { data: { orderByNumber: { ...order } } })]),
    ).not.toThrow();
  });

  it('refuses different data, quoting both', () => {
    const other = { ...order, lines: [{ sku: 'SKU-1', quantity: 2 }] };
    expect(() => assertSameAnswers('read', [answer('ours', { data: { orderByNumber: order } }), answer('Hive', { data: { orderByNumber: other } })])).toThrow(
      /read: ours and Hive answer different data:[\s\S]*"quantity":1[\s\S]*"quantity":2/,
    );
  });

  it('refuses an answer with errors even when its data matches', () => {
    const withErrors = { data: { orderByNumber: order }, errors: [{ message: 'Forbidden' }] };
    expect(() => assertSameAnswers('read', [answer('ours', { data: { orderByNumber: order } }), answer('Hive', withErrors)])).toThrow(
      /Hive did not answer with the order/,
    );
  });

  it('refuses an order that was not found: two nulls are equal, and measure nothing', () => {
    expect(() => assertSameAnswers('read', [answer('ours', { data: { orderByNumber: null } }), answer('Hive', { data: { orderByNumber: null } })])).toThrow(
      /ours did not answer with the order/,
    );
  });

  it('refuses a non-200 answer and one that is not JSON', () => {
    expect(() => assertSameAnswers('read', [answer('ours', { data: { orderByNumber: order } }, 500)])).toThrow(/HTTP 500/);
    expect(() => assertSameAnswers('read', [answer('ours', 'Bad Gateway', 502)])).toThrow(/ours did not answer with the order \(HTTP 502\): "Bad Gateway"/);
  });
});
