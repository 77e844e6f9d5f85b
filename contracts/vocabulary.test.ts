import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, type EnumTypeDefinitionNode } from 'graphql';
import { CHANNELS, DISPOSITIONS, FRAUD_OUTCOMES, PAYMENT_METHODS, REFUND_METHODS, REFUND_STATUSES, RETURN_STATUSES, STOCK_STATES } from './vocabulary';

/** The GraphQL enum each vocabulary is published as. */
const VOCABULARIES: Record<string, readonly string[]> = {
  Channel: CHANNELS,
  PaymentMethod: PAYMENT_METHODS,
  RefundMethod: REFUND_METHODS,
  FraudOutcome: FRAUD_OUTCOMES,
  ReturnStatus: RETURN_STATUSES,
  Disposition: DISPOSITIONS,
  StockState: STOCK_STATES,
  RefundStatus: REFUND_STATUSES,
};

const SUBGRAPHS = ['orders', 'returns', 'inventory', 'refunds'];

/** Every enum of the vocabulary declared in a subgraph's SDL, by subgraph. */
function declaredEnums(): { subgraph: string; name: string; values: string[] }[] {
  return SUBGRAPHS.flatMap((subgraph) => {
    const sdl = readFileSync(join(__dirname, '..', 'subgraphs', subgraph, 'schema.graphql'), 'utf8');
    return parse(sdl)
      .definitions.filter(
        (definition): definition is EnumTypeDefinitionNode => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value in VOCABULARIES,
      )
      .map((definition) => ({ subgraph, name: definition.name.value, values: (definition.values ?? []).map((value) => value.name.value) }));
  });
}

describe('the shared vocabulary', () => {
  const declared = declaredEnums();

  it.each(declared.map((entry) => [entry.subgraph, entry.name, entry]))(
    '%s declares %s with exactly the contracts values, in order',
    (_subgraph, name, entry) => {
      expect((entry as { values: string[] }).values).toEqual([...(VOCABULARIES[name as string] ?? [])]);
    },
  );

  it('is published by some subgraph for every vocabulary', () => {
    expect(new Set(declared.map((entry) => entry.name))).toEqual(new Set(Object.keys(VOCABULARIES)));
  });
});
