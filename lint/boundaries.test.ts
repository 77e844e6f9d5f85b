import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';

/**
 * The import map in lint/boundaries.js, checked against deliberate violations: each fixture is linted
 * with the repository's own ESLint config, placed where its name says (see fixtures/boundaries/README.md),
 * exactly as `npm run lint` would see it there.
 */
const root = join(__dirname, '..');
const fixtures = join(__dirname, 'fixtures', 'boundaries');
const RULE = 'boundaries/dependencies';

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root, overrideConfigFile: join(root, 'eslint.config.js') });
});

/** The boundary errors `npm run lint` reports for the fixture at `path` (relative to the fixtures folder). */
async function boundaryErrors(path: string): Promise<Linter.LintMessage[]> {
  const text = readFileSync(join(fixtures, `${path}.fixture`), 'utf8');
  const [result] = await eslint.lintText(text, { filePath: join(root, path) });
  return (result?.messages ?? []).filter((message) => message.ruleId === RULE);
}

describe('the import boundaries', () => {
  it.each([
    ['subgraphs/returns/imports-another-subgraph.ts', 'subgraphs/returns imports subgraphs/refunds: subgraphs never import each other'],
    ['subgraphs/returns/imports-a-connector-adapter.ts', 'a subgraph depends on connectors/<name>/port.ts only'],
    ['subgraphs/returns/imports-app.ts', 'only app/ wires'],
    ['subgraphs/orders/imports-a-test-kit.ts', 'production code imports test code'],
    ['platform/imports-a-subgraph.ts', 'platform/ is shared infrastructure and imports nothing of the domain'],
    ['gateway/imports-a-subgraph.ts', 'gateway/ imports subgraph'],
    ['connectors/erp/imports-a-subgraph.ts', 'connectors/erp imports subgraph'],
    ['contracts/imports-platform-infrastructure.ts', 'contracts/ is a leaf'],
    ['console/imports-the-server.tsx', 'console/ imports platform: the operations console runs in the browser'],
  ])('fail the lint for %s', async (path, expected) => {
    const errors = await boundaryErrors(path);

    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ severity: 2, message: expect.stringContaining(expected) });
  });

  it.each([
    // A subgraph's own folder, contracts/, platform/ and a connector's port.
    'subgraphs/returns/allowed-imports.ts',
    // Test code assembles what it checks: kits, test/ support and other subgraphs.
    'subgraphs/orders/allowed-in-a-test.test.ts',
    // contracts/: zod and platform's leaf helpers.
    'contracts/allowed-imports.ts',
    // The composition root wires every production folder.
    'app/allowed-wiring.ts',
    // The browser console: its own modules and its libraries.
    'console/allowed-imports.tsx',
  ])('let %s through', async (path) => {
    expect(await boundaryErrors(path)).toEqual([]);
  });
});
