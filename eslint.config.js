// Lint rules: typescript-eslint's recommended set, zero warnings allowed (`npm run lint`), and the
// import boundaries between the project's folders (see lint/boundaries.js).
const tseslint = require('typescript-eslint');
const { boundaries } = require('./lint/boundaries');

module.exports = tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Resolver types generated from the SDL (scripts/codegen.ts) use `any` where graphql-js does; the
    // generator owns their style, `npm run codegen:check` their content. Boundaries still apply.
    files: ['subgraphs/*/generated/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...boundaries,
);
