import fc from 'fast-check';
import { extractApp, interpretCommand } from '../../src/slack/interpret';
import { startHarness, type Harness } from '../helpers/harness';

const NOW = new Date('2026-11-24T04:00:00Z');

/** Hostile pieces: mentions, links, formatting, odd dates, control and wide characters. */
const hostile = fc.constantFrom(
  '<!channel>',
  '<!here>',
  '<@U0123ABC>',
  '<#C0123|general>',
  '<https://evil.example|click>',
  '*bold*',
  '`code`',
  '```',
  '&amp;',
  '0000-00-00',
  '2017-02-30',
  '9999-12-31',
  '2017/03-06',
  '20170230',
  'weekly',
  'daily',
  'monthly',
  'app:',
  'app:../../etc',
  '\u202e',
  '\u0000',
  '💥',
  '小程序',
  '\n',
  '   ',
);
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.array(hostile, { maxLength: 8 }).map((a) => a.join(' ')),
  fc.tuple(fc.constantFrom('daily', 'weekly', 'monthly', ''), fc.string({ maxLength: 30 })).map(([g, s]) => `${g} ${s}`),
  fc.constant('x'.repeat(10_000)),
  fc.string({ minLength: 5_000, maxLength: 10_000 }),
);

/** Text that the bot refuses to act on (anything it would report on is valid input, not fuzz). */
const isInvalid = (command: string, t: string) => {
  const r = interpretCommand(command, extractApp(t).rest, NOW);
  return r.type === 'reply' && r.isError;
};

describe('hostile command text', () => {
  test('parsing never throws; every error reply shows the usage and echoes nothing unescaped', () => {
    fc.assert(
      fc.property(fc.constantFrom('/retain', '/visits', '/wxa'), text, (command, t) => {
        const r = interpretCommand(command, t, NOW);
        if (r.type !== 'reply') return true;
        expect(r.text.length).toBeLessThan(3000);
        expect(r.text).not.toMatch(/<[!@#]/);
        expect(r.text).not.toMatch(/<https?:/);
        if (r.isError) expect(r.text).toMatch(/Usage|\/wxa help|\/retain daily/);
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  describe('through the running app', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness();
    });
    afterAll(() => h.close());

    test('invalid input: the process keeps answering, every reply is ephemeral, no WeChat call is made', async () => {
      const samples = fc
        .sample(fc.tuple(fc.constantFrom('/retain', '/visits'), text), { numRuns: 400, seed: 7 })
        .filter(([c, t]) => isInvalid(c, t));
      expect(samples.length).toBeGreaterThan(300);
      for (let i = 0; i < samples.length; i += 20) {
        const batch = samples.slice(i, i + 20);
        const replies = await Promise.all(batch.map(([c, t]) => h.command(c, t)));
        for (const r of replies) {
          expect(r.status).toBe(200);
          expect(r.json?.response_type).toBe('ephemeral');
          expect(String(r.json?.text)).toMatch(/Usage/);
          expect(String(r.json?.text)).not.toMatch(/<[!@#]/);
        }
      }
      expect(h.sim.stats.tokenRequests + h.sim.stats.datacubeRequests).toBe(0);
      expect(h.slack.callsTo('chat.postMessage')).toHaveLength(0);
      const health = await fetch(`${h.baseUrl}/healthz`);
      expect(health.status).toBe(200);
    });
  });
});
