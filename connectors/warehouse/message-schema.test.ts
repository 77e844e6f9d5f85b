import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { warehouseMessageSchema } from './message-schema';

describe('warehouse-message.schema.json', () => {
  it('is the message schema as JSON Schema (regenerate it with z.toJSONSchema when the schema changes)', () => {
    const file = JSON.parse(readFileSync(join(__dirname, 'warehouse-message.schema.json'), 'utf8')) as unknown;
    expect(file).toEqual(z.toJSONSchema(warehouseMessageSchema));
  });
});
