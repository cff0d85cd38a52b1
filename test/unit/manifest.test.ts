import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { COMMANDS } from '../../src/slack/listeners';

const root = path.join(__dirname, '../..');

describe('manifest.yml', () => {
  const manifest = parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8')) as {
    features: { slash_commands: { command: string }[]; bot_user?: unknown };
    oauth_config: { scopes: { bot: string[] } };
    settings: { socket_mode_enabled?: boolean };
  };

  const schema = JSON.parse(
    readFileSync(path.join(root, 'test/fixtures/manifest-schema/slack-app-manifest.schema.v1.json'), 'utf8'),
  ) as object;
  // The schema uses a few non-standard keywords (e.g. "regex"); strict mode would reject them.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  test("validates against Slack's app manifest JSON schema (v1)", () => {
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the schema catches a broken manifest (the check can fail)', () => {
    expect(validate({ ...manifest, features: { ...manifest.features, slash_commands: [{ command: 'retain' }] } })).toBe(false);
  });

  test('declares exactly the commands the app listens to, the scopes it uses, and socket mode', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...COMMANDS].sort());
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['commands', 'chat:write', 'files:write', 'channels:join']));
    expect(manifest.features.bot_user).toBeDefined();
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  test('declares interactivity (report buttons, the schedule form), the Home tab and its event', () => {
    const m = manifest as unknown as {
      features: { app_home?: { home_tab_enabled?: boolean } };
      settings: { interactivity?: { is_enabled?: boolean }; event_subscriptions?: { bot_events?: string[] } };
    };
    expect(m.settings.interactivity?.is_enabled).toBe(true);
    expect(m.features.app_home?.home_tab_enabled).toBe(true);
    expect(m.settings.event_subscriptions?.bot_events).toEqual(['app_home_opened']);
  });
});
