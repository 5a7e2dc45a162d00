import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', '.sandbox/', 'test-artifacts/', 'infra/cdk.out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['jest.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable' } },
  },
  {
    files: ['scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Only the edge may touch the vendor SDKs (STYLE.md §3).
    files: ['src/findings/**', 'src/actions/**', 'src/approvals/**', 'src/policy-generation/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@slack/*', '@aws-sdk/*', 'dynamoose'] }],
    },
  },
);
