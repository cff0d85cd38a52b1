import { type Logger, silentLogger } from '../log';
import { errorText } from '../util/error-text';
import { WeChatError } from '../wechat/errors';
import type { ReportNote, ReportPart } from './model';

/**
 * The parts of a multi-call report, fetched together: a part that fails becomes a `part_missing`
 * note and null, so the rest can still be shown. When every part fails, the first error is thrown
 * (a report of nothing but notes helps nobody).
 */
export class Parts {
  readonly notes: ReportNote[] = [];
  private failures: unknown[] = [];
  private attempts = 0;

  constructor(private readonly log: Logger = silentLogger) {}

  async get<T>(part: ReportPart, work: Promise<T>): Promise<T | null> {
    this.attempts++;
    try {
      return await work;
    } catch (e) {
      this.failures.push(e);
      this.missing(part, e instanceof WeChatError ? e.kind : 'unexpected');
      // A WeChat failure is expected now and then; anything else is a bug, shown here and not only as a note.
      if (e instanceof WeChatError) this.log.warn({ part, kind: e.kind, code: e.code }, 'report part could not be fetched');
      else this.log.error({ part, err: errorText(e) }, 'report part failed unexpectedly');
      return null;
    }
  }

  /** Records a part left out for a reason found after fetching (e.g. some days of a week came back empty). */
  missing(part: ReportPart, error: string): void {
    this.notes.push({ kind: 'part_missing', part, error });
  }

  /** Throws the first failure when nothing at all could be fetched. */
  assertAny(): void {
    if (this.attempts > 0 && this.failures.length === this.attempts) throw this.failures[0];
  }
}
