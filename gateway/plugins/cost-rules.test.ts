import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { getNamedType, getNullableType, isInputObjectType, isListType, isObjectType, type GraphQLSchema } from 'graphql';
import { fullTypeDefs, loadTypeDefs } from '../../platform/subgraph';
import { COST_RULES } from './cost-rules';

/** The subgraphs of the product, by folder; their SDL files are what the registry composes. */
const SUBGRAPHS = ['orders', 'returns', 'inventory', 'refunds'] as const;

/** The API schema clients see, composed from the subgraphs' own SDL files (no subgraph code runs). */
function apiSchema(): GraphQLSchema {
  const services = SUBGRAPHS.map((name) => ({
    name,
    typeDefs: fullTypeDefs({ name, typeDefs: loadTypeDefs(join(__dirname, '../../subgraphs', name, 'schema.graphql')) }),
    url: `http://127.0.0.1/${name}`,
  }));
  const result = composeServices(services);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('; '));
  return result.schema.toAPISchema().toGraphQLJSSchema();
}

/** `Type.field` of every field whose size an argument decides: a list argument, or `first`. */
function sizedFields(schema: GraphQLSchema): string[] {
  const names: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
    for (const field of Object.values(type.getFields())) {
      const sized = field.args.some((arg) => arg.name === 'first' || (isListType(getNullableType(arg.type)) && !isInputObjectType(getNamedType(arg.type))));
      if (sized) names.push(`${type.name}.${field.name}`);
    }
  }
  return names.sort();
}

describe('cost rules', () => {
  const schema = apiSchema();

  it('has a rule for every field of the graph whose size a list argument or first decides', () => {
    const missing = sizedFields(schema).filter((name) => !COST_RULES[name]);
    expect(missing).toEqual([]);
  });

  it('names only fields and arguments the graph has', () => {
    for (const [name, rule] of Object.entries(COST_RULES)) {
      const [typeName, fieldName] = name.split('.') as [string, string];
      const type = schema.getType(typeName);
      const field = isObjectType(type) ? type.getFields()[fieldName] : undefined;
      expect({ name, exists: field !== undefined }).toEqual({ name, exists: true });
      const argumentNames = [rule.page?.argument, ...(rule.listArguments ?? []).map((list) => list.argument)].filter((arg): arg is string => arg !== undefined);
      for (const argument of argumentNames) {
        expect({ name, argument, exists: field?.args.some((arg) => arg.name === argument) }).toEqual({ name, argument, exists: true });
      }
    }
  });
});
