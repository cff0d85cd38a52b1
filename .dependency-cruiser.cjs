/**
 * The layering rules of docs/ARCHITECTURE.md, checked on every `npm test` (npm run deps).
 * @type {import('dependency-cruiser').IConfiguration}
 */
const core = '^src/(wechat|reports|store|calendar)/';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles in src/.', from: { path: '^src/' }, to: { circular: true } },
    {
      name: 'slack-only-at-the-boundary',
      severity: 'error',
      comment: 'Only src/slack and the composition roots (runtime, main, worker, worker-thread, cli) import @slack/*.',
      from: { path: '^src/', pathNot: '^src/(slack/|runtime\\.ts$|main\\.ts$|worker\\.ts$|worker-thread\\.ts$|cli/)' },
      to: { path: '(^|/)node_modules/@slack/' },
    },
    {
      name: 'nothing-imports-the-slack-folder-but-roots',
      severity: 'error',
      comment: 'src/slack is the top layer: the core reaches Slack through ports (ScheduledDelivery).',
      from: { path: '^src/', pathNot: '^src/(slack/|runtime\\.ts$|main\\.ts$|worker\\.ts$|worker-thread\\.ts$|cli/)' },
      to: { path: '^src/slack/' },
    },
    {
      name: 'core-looks-down-only',
      severity: 'error',
      comment: 'wechat/, reports/, store/ and calendar/ know nothing of slack/, schedule/, alerts/, render/, apps/ or the roots.',
      from: { path: core },
      to: { path: '^src/(slack|schedule|alerts|render|apps|cli)/|^src/(runtime|main)\\.ts$' },
    },
    {
      name: 'store-knows-no-domain',
      severity: 'error',
      comment: 'store/ depends on neither wechat/ nor reports/.',
      from: { path: '^src/store/' },
      to: { path: '^src/(wechat|reports)/' },
    },
    {
      name: 'i18n-is-a-bottom-layer',
      comment: 'The message catalogues, dates and numbers are used by every layer and use none of them (but calendar types).',
      severity: 'error',
      from: { path: '^src/i18n/' },
      to: { path: '^src/', pathNot: '^src/(i18n|calendar)/' },
    },
    {
      name: 'src-not-from-test',
      severity: 'error',
      comment: 'Test doubles stay on the test side.',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
