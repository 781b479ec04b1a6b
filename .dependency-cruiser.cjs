/**
 * The layer rules of the tree (docs/architecture.md), checked in CI by `npm run lint:layers`.
 * Tests and benchmarks may import anything, but take part in the no-circle rule.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles make a module impossible to read (or load) on its own.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lib-imports-only-lib',
      severity: 'error',
      comment: 'lib/ is what every side shares; it depends on nothing of theirs.',
      from: { path: '^lib/' },
      to: { path: '^(bin|producers|workers|infra|test|bench)/' },
    },
    {
      name: 'stages-stay-apart',
      severity: 'error',
      comment: 'A stage folder never imports another stage; workers/pipeline.ts composes them.',
      from: { path: '^workers/([^/]+)/' },
      to: { path: '^workers/[^/]+/', pathNot: '^workers/$1/' },
    },
    {
      name: 'stages-do-not-import-the-wiring',
      severity: 'error',
      comment: 'The wiring (workers/*.ts) imports the stages, never the other way round.',
      from: { path: '^workers/[^/]+/' },
      to: { path: '^workers/[^/]+\\.ts$' },
    },
    {
      name: 'producers-and-workers-apart',
      severity: 'error',
      comment: 'Producers and workers meet only in lib/ (queue contracts, ledger) and Redis.',
      from: { path: '^producers/' },
      to: { path: '^(workers|infra)/' },
    },
    {
      name: 'workers-do-not-reach-out',
      severity: 'error',
      comment: 'Workers import lib/ and their own folder; process shells live in bin/.',
      from: { path: '^workers/' },
      to: { path: '^(producers|infra|bin)/' },
    },
    {
      name: 'infra-does-not-import-the-pipeline',
      severity: 'error',
      comment: 'infra/ sets up and watches services; it does not run producers or workers.',
      from: { path: '^infra/' },
      to: { path: '^(producers|workers|bin)/' },
    },
    {
      name: 'only-bin-and-tests-import-bin',
      severity: 'error',
      comment: 'bin/ holds the process shells: nothing below them imports them.',
      from: { path: '^(lib|producers|workers|infra)/' },
      to: { path: '^bin/' },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|test-output)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
