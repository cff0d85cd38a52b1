import { EN, ZH, LANGUAGES, translator } from '../../src/i18n';
import { formatPeriod } from '../../src/i18n/dates';
import { formatCount } from '../../src/i18n/numbers';
import { periodContaining } from '../../src/calendar/period';
import { reportTitle } from '../../src/reports/model';

describe('i18n', () => {
  test('every catalogue key exists in both languages, and no text is empty', () => {
    expect(Object.keys(ZH).sort()).toEqual(Object.keys(EN).sort());
    for (const v of [...Object.values(EN), ...Object.values(ZH)]) expect(v.trim()).not.toBe('');
    expect(LANGUAGES).toEqual(['en', 'zh']);
  });

  test('placeholders are the same in both languages', () => {
    const vars = (s: string) => (s.match(/\{\{\w+\}\}/g) ?? []).sort().join(',');
    for (const k of Object.keys(EN)) {
      const base = k.replace(/_(one|other)$/, '');
      // A Chinese plural form may drop {{count}} where the English singular does the same.
      if (base !== k) continue;
      expect([k, vars(ZH[k])]).toEqual([k, vars(EN[k])]);
    }
  });

  test('plurals and interpolation', () => {
    const en = translator('en');
    const zh = translator('zh');
    expect(en('title.span', { count: 7, What: 'User portrait', range: '2017-03-12' })).toBe('User portrait · 7 days to 2017-03-12');
    expect(en('title.day', { What: 'User portrait', range: '2017-03-12' })).toBe('User portrait · 2017-03-12');
    expect(zh('title.span', { count: 7, What: '用户画像', range: '2017年3月12日' })).toBe('用户画像 · 截至2017年3月12日的7天');
    expect(en('kind.sources')).toBe('visit sources');
    expect(zh('kind.sources')).toBe('访问来源');
  });

  test('dates read naturally in each language', () => {
    const week = periodContaining('weekly', '20170306');
    expect(formatPeriod(week, 'en')).toBe('2017-03-06 – 2017-03-12');
    expect(formatPeriod(week, 'zh')).toBe('2017年3月6日–12日');
    expect(formatPeriod(periodContaining('weekly', '20170227'), 'zh')).toBe('2017年2月27日–3月5日');
    expect(formatPeriod(periodContaining('weekly', '20161226'), 'zh')).toBe('2016年12月26日–2017年1月1日');
    expect(formatPeriod(periodContaining('monthly', '20170301'), 'zh')).toBe('2017年3月');
    expect(formatPeriod(periodContaining('daily', '20170301'), 'zh')).toBe('2017年3月1日');
  });

  test('numbers: grouped in English; 万 and 亿 in Chinese where that reads better', () => {
    expect(formatCount(1234567, 'en')).toBe('1,234,567');
    expect(formatCount(1234567, 'zh')).toBe('123.5万');
    expect(formatCount(98765, 'zh')).toBe('98,765');
    expect(formatCount(123456789, 'zh')).toBe('1.2亿');
    expect(formatCount(100000, 'zh')).toBe('10万');
  });
});

describe('report titles in both languages', () => {
  test('period and span titles', () => {
    const week = periodContaining('weekly', '20170306');
    const day = periodContaining('daily', '20170312');
    expect(reportTitle({ kind: 'digest', period: week, language: 'zh' })).toBe('每周摘要 · 2017年3月6日–12日');
    expect(reportTitle({ kind: 'digest', period: week })).toBe('Weekly digest · 2017-03-06 – 2017-03-12');
    expect(reportTitle({ kind: 'users', period: day, span: 1, language: 'zh' })).toBe('用户画像 · 2017年3月12日');
    expect(reportTitle({ kind: 'users', period: day, span: 7, language: 'zh' })).toBe('用户画像 · 截至2017年3月12日的7天');
    expect(reportTitle({ kind: 'users', period: day, span: 7 })).toBe('User portrait · 7 days to 2017-03-12');
  });
});
