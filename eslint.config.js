// ESLint (flat config): typescript-eslint's type-checked rules over the TypeScript sources.
// Formatting is Prettier's job (.prettierrc.json), so no stylistic rules here.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'web/', 'node_modules/', '.data/', 'test/clients/relay/__generated__/', 'coverage/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Every promise is awaited, returned or explicitly voided: a floating one loses its error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Wise's and the simulator's JSON bodies are read as `any` at the boundary, then checked
      // field by field; these rules would flag every such read without making it safer.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // `${n}` of a number or boolean is fine in messages.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // type-graphql and MikroORM decorate classes whose methods are called through the framework.
      '@typescript-eslint/unbound-method': 'off',
      // Async methods implement Promise-returning contracts (MikroORM migrations, ports, handlers)
      // whose particular body may have nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // The simulator, the tests and the bench read request bodies, query strings and JSON as
    // untyped values and stringify them on purpose before validating (a '[object Object]' is
    // then refused like any other wrong value). The gateway's own code keeps the rule.
    files: ['src/simulator/**', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-base-to-string': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
