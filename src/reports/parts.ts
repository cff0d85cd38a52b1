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

  async get<T>(part: ReportPart, work: Promise<T>): Promise<T | null> {
    this.attempts++;
    try {
      return await work;
    } catch (e) {
      this.failures.push(e);
      this.notes.push({ kind: 'part_missing', part, error: e instanceof WeChatError ? e.kind : 'unexpected' });
      return null;
    }
  }

  /** Throws the first failure when nothing at all could be fetched. */
  assertAny(): void {
    if (this.attempts > 0 && this.failures.length === this.attempts) throw this.failures[0];
  }
}
