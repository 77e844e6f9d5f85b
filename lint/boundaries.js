/**
 * Which folder may import which, checked by `npm run lint` (eslint-plugin-boundaries) instead of by
 * good intentions. The map, for production code:
 *
 *   app/              -> everything below (the only composition root: reads settings, picks connectors,
 *                        and is the entry point of every process and command-line tool)
 *   scripts/          -> app/, contracts/, connectors/<name>/port.ts, platform/  (command-line entry points)
 *   demo/             -> subgraphs/*, connectors/<name>/port.ts, contracts/, platform/  (seed data app/ loads)
 *   subgraphs/X       -> subgraphs/X, contracts/, connectors/<name>/port.ts, platform/  (never subgraphs/Y)
 *   gateway/          -> contracts/, platform/                            (never subgraphs/ or connectors/)
 *   schema-registry/  -> contracts/, platform/
 *   connectors/X      -> connectors/X, contracts/, platform/              (never subgraphs/ or gateway/)
 *   contracts/        -> platform's leaf helpers (platform-leaf files)   (a leaf: schemas and vocabulary)
 *   platform/         -> platform/                                        (nothing of the domain)
 *   console/          -> console/                                         (the browser's operations console: it
 *                        knows the server only through the public GraphQL API; app/ bundles it by path)
 *
 * Nothing in production imports test code: `*.test.ts`, any `testing/` folder, `test/` and `bench/`.
 * Test code itself may import anything — a test assembles what it checks, as app/ does.
 * Anything not listed is refused (`default: 'disallow'`), so a new folder has to be placed on this map.
 * The rule is itself tested: lint/boundaries.test.ts lints the fixtures in lint/fixtures/boundaries/.
 */
const boundariesPlugin = require('eslint-plugin-boundaries');

/** Top-level folders, each one element; patterns are matched from the repository root. */
const elements = [
  { type: 'app', pattern: 'app' },
  { type: 'scripts', pattern: 'scripts' },
  { type: 'demo', pattern: 'demo' },
  { type: 'gateway', pattern: 'gateway' },
  { type: 'schema-registry', pattern: 'schema-registry' },
  { type: 'subgraph', pattern: 'subgraphs/*', capture: ['subgraph'] },
  { type: 'connector', pattern: 'connectors/*', capture: ['connector'] },
  { type: 'contracts', pattern: 'contracts' },
  { type: 'platform', pattern: 'platform' },
  { type: 'console', pattern: 'console' },
  { type: 'test', pattern: 'test' },
  { type: 'bench', pattern: 'bench' },
].map((element) => ({ ...element, partialMatch: false }));

/** Kinds of file that cut across the folders. */
const files = [
  // A connector's interface, which a subgraph may depend on; the adapters beside it are app/'s choice.
  { category: 'port', pattern: 'connectors/*/port.ts' },
  // Everything else in a connector folder: the adapters and their helpers.
  { category: 'adapter', pattern: ['connectors/*/!(port).ts', 'connectors/*/*/**'] },
  // Platform helpers that import nothing of their own, so contracts/ can use them and stay a leaf.
  { category: 'platform-leaf', pattern: ['platform/events/catalog.ts', 'platform/money.ts', 'platform/ids.ts'] },
  { category: 'test-code', pattern: ['**/*.test.ts', '**/testing/**', 'test/**', 'bench/**'] },
];

const toElements = (...types) => ({ element: { types: { anyOf: types } } });
const fromElement = (type) => ({ element: { type } });
const port = { element: { type: 'connector' }, file: { categories: 'port' } };

/**
 * Policies are read top to bottom and the last one that matches decides, so the allow lists come
 * first and the named refusals after them carry the message a reader sees.
 */
const policies = [
  {
    from: fromElement('app'),
    allow: { to: toElements('app', 'scripts', 'gateway', 'schema-registry', 'subgraph', 'connector', 'contracts', 'platform', 'demo') },
  },
  // The backfill command reads a CommerceFeed (a port); app/ hands it the adapter.
  { from: fromElement('scripts'), allow: { to: [toElements('scripts', 'app', 'contracts', 'platform'), port] } },
  { from: fromElement('demo'), allow: { to: [toElements('demo', 'subgraph', 'contracts', 'platform'), port] } },
  {
    from: fromElement('subgraph'),
    allow: {
      to: [{ element: { type: 'subgraph', captured: { subgraph: '{{ from.element.captured.subgraph }}' } } }, toElements('contracts', 'platform'), port],
    },
  },
  { from: fromElement('gateway'), allow: { to: toElements('gateway', 'contracts', 'platform') } },
  { from: fromElement('schema-registry'), allow: { to: toElements('schema-registry', 'contracts', 'platform') } },
  {
    from: fromElement('connector'),
    allow: { to: [{ element: { type: 'connector', captured: { connector: '{{ from.element.captured.connector }}' } } }, toElements('contracts', 'platform')] },
  },
  { from: fromElement('platform'), allow: { to: toElements('platform') } },
  { from: fromElement('console'), allow: { to: toElements('console') } },

  {
    from: fromElement('subgraph'),
    disallow: { to: { element: { type: 'subgraph', captured: { subgraph: '!{{ from.element.captured.subgraph }}' } } } },
    message:
      'subgraphs/{{ from.element.captured.subgraph }} imports subgraphs/{{ to.element.captured.subgraph }}: subgraphs never import each other; share through contracts/ (events, vocabulary) or the graph (lint/boundaries.js)',
  },
  {
    from: fromElement('subgraph'),
    disallow: { to: { file: { categories: 'adapter' } } },
    message:
      'subgraphs/{{ from.element.captured.subgraph }} imports a connector adapter: a subgraph depends on connectors/<name>/port.ts only; app/ chooses the adapter and passes it in (lint/boundaries.js)',
  },
  // contracts/ refuses everything, then lets its few imports back in, so every refusal names the leaf rule.
  {
    from: fromElement('contracts'),
    disallow: { to: { element: { type: '*' } } },
    message:
      'contracts/ imports {{ to.element.path }}: contracts/ is a leaf; it imports zod and the platform helpers listed as platform-leaf in lint/boundaries.js only',
  },
  { from: fromElement('contracts'), allow: { to: [toElements('contracts'), { file: { categories: 'platform-leaf' } }] } },
  {
    from: fromElement('platform'),
    disallow: { to: toElements('app', 'scripts', 'demo', 'gateway', 'schema-registry', 'subgraph', 'connector', 'contracts') },
    message: 'platform/ imports {{ to.element.type }}: platform/ is shared infrastructure and imports nothing of the domain (lint/boundaries.js)',
  },
  {
    from: fromElement('console'),
    disallow: { to: { element: { types: { noneOf: ['console'] } } } },
    message:
      'console/ imports {{ to.element.type }}: the operations console runs in the browser and knows the server only through the public GraphQL API (lint/boundaries.js)',
  },
  {
    from: [fromElement('gateway'), fromElement('schema-registry')],
    disallow: { to: toElements('subgraph', 'connector') },
    message:
      '{{ from.element.type }}/ imports {{ to.element.type }}: the gateway and the registry know subgraphs only through the graph and contracts/ (lint/boundaries.js)',
  },
  {
    from: fromElement('connector'),
    disallow: { to: toElements('subgraph', 'gateway', 'schema-registry') },
    message:
      'connectors/{{ from.element.captured.connector }} imports {{ to.element.type }}: a connector adapts one backend and never reaches into the graph (lint/boundaries.js)',
  },
  {
    from: { element: { types: { noneOf: ['app', 'scripts'] } } },
    disallow: { to: toElements('app') },
    message: 'only app/ wires: production code outside app/ and scripts/ never imports app/ (lint/boundaries.js)',
  },
  {
    disallow: { to: { file: { categories: 'test-code' } } },
    message: 'production code imports test code: test kits, fakes and child-process scripts stay in testing/, test/ and bench/ (lint/boundaries.js)',
  },

  // Test code assembles what it checks, as app/ does, so it may import anything.
  { from: { file: { categories: 'test-code' } }, allow: { to: { element: { type: '*' } } } },
];

/** The flat-config block that turns the rule on for every TypeScript file. */
exports.boundaries = [
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { boundaries: boundariesPlugin },
    settings: {
      'boundaries/elements': elements,
      'boundaries/files': files,
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js', '.json'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          // Imports inside one element are checked too, so a subgraph cannot reach its own testing/ folder.
          checkInternals: true,
          message: '{{ from.element.type }} may not import {{ to.element.type }} ({{ to.element.path }}); see the import map in lint/boundaries.js',
          policies,
        },
      ],
    },
  },
];
