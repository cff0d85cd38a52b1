// Words shared by messages and charts: granularities, units, report names.
// Each catalogue file exports `en` and `zh` with the same keys (the type below enforces it).

export const en = {
  'unit.daily.adj': 'Daily',
  'unit.weekly.adj': 'Weekly',
  'unit.monthly.adj': 'Monthly',
  'unit.daily.noun': 'day',
  'unit.weekly.noun': 'week',
  'unit.monthly.noun': 'month',
  'kind.retain': 'retention',
  'kind.visits': 'visits',
  'kind.sources': 'visit sources',
  'kind.pages': 'top pages',
  'kind.users': 'user portrait',
  'kind.perf': 'performance',
  'kind.cohorts': 'retention cohorts',
  'kind.digest': 'digest',
  /** "Weekly retention · 2017-03-06 – 2017-03-12" */
  'title.period': '{{adj}} {{what}} · {{range}}',
  /** "User portrait · 7 days to 2017-03-12"; one day is just "User portrait · 2017-03-12". */
  'title.span': '{{What}} · {{count}} days to {{range}}',
  'title.day': '{{What}} · {{range}}',
  'sandbox.data': 'sandbox data',
} as const;

export const zh: Record<keyof typeof en, string> = {
  'unit.daily.adj': '每日',
  'unit.weekly.adj': '每周',
  'unit.monthly.adj': '每月',
  'unit.daily.noun': '天',
  'unit.weekly.noun': '周',
  'unit.monthly.noun': '月',
  'kind.retain': '留存',
  'kind.visits': '访问',
  'kind.sources': '访问来源',
  'kind.pages': '受访页面',
  'kind.users': '用户画像',
  'kind.perf': '性能',
  'kind.cohorts': '留存同期群',
  'kind.digest': '摘要',
  'title.period': '{{adj}}{{what}} · {{range}}',
  'title.span': '{{What}} · 截至{{range}}的{{count}}天',
  'title.day': '{{What}} · {{range}}',
  'sandbox.data': '沙盒数据',
};
