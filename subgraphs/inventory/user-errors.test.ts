import { join } from 'node:path';
import { enumValuesOf } from '../../test/support/schema-enum';
import { InventoryErrorCode } from './user-errors';

it("lists exactly the codes of the schema's UserErrorCode enum", () => {
  expect(Object.values(InventoryErrorCode).sort()).toEqual(enumValuesOf(join(__dirname, 'schema.graphql'), 'UserErrorCode'));
});
