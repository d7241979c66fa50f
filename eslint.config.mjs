// Lint: type-aware rules that matter for async Kafka handlers and state machines,
// and the module-boundary matrix of docs/conventions.md enforced with Nx tags.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const TESTING_LIB = { name: '@datarights/testing', message: 'Only tests may use the testing lib.' };
// Test helpers and fixtures live in test/ folders (docs/conventions.md): production code never imports them.
const TEST_FOLDER = {
  regex: '^\\.{1,2}/(.*/)?test(/|$)',
  message: 'Test helpers live in test/ folders, for tests only: production code may not import them.',
};

// Inside an app, feature folders depend downward only (docs/conventions.md): a folder
// may import the folders of the layers below its own, never a sibling of its layer nor a
// layer above. Lowest layer first.
const FEATURE_LAYERS = {
  'apps/request-intake/src': [
    ['config', 'http', 'migrations'],
    ['requests'],
    ['recipients', 'package', 'self-service', 'deadlines', 'minimisation', 'metrics'],
    ['projection'],
  ],
  'apps/erasure-executor/src/execution': [
    ['entities'],
    ['store'],
    ['keys', 'actions', 'completion'],
    ['erasure', 'rectification', 'objection', 'restriction', 'forwarding', 'replies', 'minimisation'],
    ['plan'],
  ],
};

const featureLayerRules = Object.entries(FEATURE_LAYERS).flatMap(([base, layers]) =>
  layers.flatMap((layer, level) =>
    layer.map((folder) => {
      const above = layers
        .slice(level)
        .flat()
        .filter((f) => f !== folder);
      return {
        files: [`${base}/${folder}/**/*.ts`],
        ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              paths: [TESTING_LIB],
              patterns: [
                TEST_FOLDER,
                {
                  regex: `^(\\.\\./)+(${above.join('|')})(/|$)`,
                  message: `${base}/${folder} may not import ${above.join(', ')} (its own layer or one above): features depend downward only, docs/conventions.md.`,
                },
              ],
            },
          ],
        },
      };
    }),
  ),
);

export default [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.kafka/**', '**/.data/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:feature',
                'type:data-access',
                'type:util',
                'type:contracts',
                'type:testing',
              ],
            },
            {
              sourceTag: 'type:feature',
              onlyDependOnLibsWithTags: ['type:data-access', 'type:util', 'type:contracts'],
            },
            { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['*'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may wire any layer together (an integration test of messaging boots a whole
    // service), and they are the only place the testing lib may be used.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/test/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [{ sourceTag: '*', onlyDependOnLibsWithTags: ['*'] }],
        },
      ],
      // Tests read JSON bodies of public APIs; typing every shape there adds nothing.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Only spec and test files may import the testing lib or test helpers (docs/conventions.md).
    files: ['**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/test/**',
      'libs/testing/**',
      'e2e/**',
      'bench/**',
    ],
    rules: {
      'no-restricted-imports': ['error', { paths: [TESTING_LIB], patterns: [TEST_FOLDER] }],
    },
  },
  {
    // The config spine (docs/conventions.md, "Configuration and secrets"): the environment is
    // read once, at boot, by an app's entry point and its config/; libs are given typed config.
    files: ['libs/**/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', 'libs/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message:
            'A lib never reads process.env: take a typed config (DI or a parameter) that the app read once at boot. See docs/conventions.md, "Configuration and secrets".',
        },
      ],
    },
  },
  ...featureLayerRules,
];
