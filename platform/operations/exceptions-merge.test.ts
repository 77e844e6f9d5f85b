import {
  decodeExceptionQueryId,
  exceptionCursor,
  exceptionQuery,
  exceptionQueryId,
  present,
  type ExceptionContribution,
  type PlacedException,
} from './exceptions';
import { exceptionBacklog, mergeExceptionPage } from './exceptions-merge';

const BASE_US = 1_700_000_000_000_000n;

/** An exception opened `offsetUs` microseconds after a fixed instant. */
function item(subgraph: string, id: string, offsetUs: number): PlacedException {
  const micros = (BASE_US + BigInt(offsetUs)).toString();
  return {
    id: `${subgraph}.${id}`,
    kind: 'DEAD_LETTER',
    subgraph,
    summary: id,
    openedAt: new Date(Number(BigInt(micros) / 1000n)),
    openedMicros: micros,
    evidence: [],
    action: { kind: 'REPLAY_DEAD_LETTER', label: 'Replay', mutation: 'replayReturnsDeadLetters', targetId: '1' },
  };
}

function contribution(items: PlacedException[], totalCount = items.length): ExceptionContribution {
  return {
    totalCount,
    oldestOpenedAt: items[0]?.openedAt ?? null,
    byKind: totalCount > 0 ? [{ kind: 'DEAD_LETTER', count: totalCount }] : [],
    aging: [
      { label: '<1h', count: 0 },
      { label: '1h-24h', count: 0 },
      { label: '1d-7d', count: 0 },
      { label: '>7d', count: totalCount },
    ],
    edges: items.map((node) => ({ cursor: exceptionCursor(node), node: present(node) })),
  };
}

describe('merging the subgraphs’ contributions', () => {
  // Same millisecond, different microseconds; and an exact tie broken by id in byte order.
  const orders = contribution([item('orders', 'a', 1), item('orders', 'b', 500)]);
  const refunds = contribution([item('refunds', 'a', 2), item('refunds', 'b', 500)], 5);
  const returns = contribution([]);

  it('orders by microsecond, then by id, and says whether another page follows', () => {
    const page = mergeExceptionPage([returns, orders, null, refunds], exceptionQuery({ first: 3 }));
    expect(page.edges.map((edge) => edge.node.id)).toEqual(['orders.a', 'refunds.a', 'orders.b']);
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, endCursor: page.edges[2]?.cursor });
    expect(page.totalCount).toBe(7);
  });

  it('ends the last page', () => {
    const page = mergeExceptionPage([orders, refunds], exceptionQuery({ first: 4 }));
    expect(page.edges).toHaveLength(4);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it('sums the backlog over every subgraph and keeps every aging bucket', () => {
    const backlog = exceptionBacklog([orders, refunds, returns, undefined], Number(BASE_US / 1000n) + 10_000);
    expect(backlog).toEqual({
      open: 7,
      oldestAgeSeconds: 10,
      byKind: [{ kind: 'DEAD_LETTER', count: 7 }],
      aging: [
        { label: '<1h', count: 0 },
        { label: '1h-24h', count: 0 },
        { label: '1d-7d', count: 0 },
        { label: '>7d', count: 7 },
      ],
    });
    expect(exceptionBacklog([]).oldestAgeSeconds).toBeNull();
  });
});

describe('the page id and the arguments', () => {
  it('round-trips the arguments through the entity id', () => {
    const after = exceptionCursor(item('orders', 'a', 1));
    const query = exceptionQuery({ first: 2, after, kind: 'RETURN_STUCK' });
    expect(decodeExceptionQueryId(exceptionQueryId(query))).toEqual(query);
  });

  it('refuses what it did not issue as bad input', () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as { extensions?: { code?: string } }).extensions?.code;
      }
      return 'none';
    };
    expect(code(() => exceptionQuery({ first: 101 }))).toBe('BAD_USER_INPUT');
    expect(code(() => exceptionQuery({ first: -1 }))).toBe('BAD_USER_INPUT');
    expect(code(() => exceptionQuery({ kind: 'NOPE' }))).toBe('BAD_USER_INPUT');
    expect(code(() => exceptionQuery({ after: Buffer.from(JSON.stringify(['x', 'y'])).toString('base64url') }))).toBe('BAD_USER_INPUT');
    expect(code(() => decodeExceptionQueryId('exq_bm9wZQ'))).toBe('BAD_USER_INPUT');
    expect(code(() => decodeExceptionQueryId('ord_1'))).toBe('BAD_USER_INPUT');
  });
});
