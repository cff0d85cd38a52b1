import { isLanguage, type Language } from '../i18n';
import type { Store } from './types';

/** What an admin set for a channel: the language of its reports and replies (`/wxa lang zh|en`). */
export class ChannelSettings {
  constructor(
    private readonly store: Store,
    /** REPORT_LANGUAGE: a channel nobody set. */
    private readonly defaultLanguage: Language,
  ) {}

  async language(channel: string): Promise<Language> {
    const v = await this.store.kvGet(`channel-lang:${channel}`);
    return v !== undefined && isLanguage(v) ? v : this.defaultLanguage;
  }

  async setLanguage(channel: string, lang: Language): Promise<void> {
    await this.store.kvSet(`channel-lang:${channel}`, lang);
  }
}
