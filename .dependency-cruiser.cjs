/**
 * Import boundaries of keten (run by `npm run boundaries`, part of `npm run check`).
 * core is pure: no adapters, no apps, no Node built-ins. Adapters never import apps.
 * Nobody reaches into another package's src/internal. No cycles anywhere.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Import cycles make modules impossible to reason about in isolation.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'packages/core does no I/O: it may not import Node built-ins.',
      from: { path: '^packages/core/', pathNot: '[.]test[.]ts$' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-imports-no-adapter-or-app',
      severity: 'error',
      from: { path: '^packages/core/' },
      to: { path: '^(packages/(?!core/)|apps/)' },
    },
    {
      name: 'core-imports-no-io-library',
      severity: 'error',
      comment: 'Databases, brokers, HTTP, file-system libraries and solvers (highs) belong in adapters.',
      from: { path: '^packages/core/' },
      to: {
        path: 'node_modules/(pg|@electric-sql|fastify|@fastify|mqtt|aedes|nats|node-opcua|pino|commander|highs)/',
      },
    },
    {
      name: 'adapters-import-no-app',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'web-is-browser-safe',
      severity: 'error',
      comment:
        'apps/web runs in the browser: no Node built-ins, no adapters or other apps, no I/O libraries (it may use types and pure helpers of @keten/core).',
      from: { path: '^apps/web/src/' },
      to: {
        dependencyTypes: ['core'],
      },
    },
    {
      name: 'web-imports-no-adapter-or-app',
      severity: 'error',
      from: { path: '^apps/web/src/' },
      to: {
        path: '^(packages/(?!core/)|apps/(?!web/))|node_modules/(pg|@electric-sql|fastify|@fastify|mqtt|aedes|nats|node-opcua|pino|commander|highs)/',
      },
    },
    {
      name: 'no-reaching-into-internals',
      severity: 'error',
      comment: 'src/internal of a package is private to that package.',
      from: { path: '^(packages|apps)/([^/]+)/' },
      to: { path: '^(packages|apps)/([^/]+)/src/internal/', pathNot: '^$1/$2/src/internal/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Built output (npm start writes apps/web/dist) is not source: its bundles import each other.
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
  },
};
