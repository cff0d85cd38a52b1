import { z } from 'zod';
import type { Logger } from '../log';
import { ALERT_METRICS } from '../reports/alert';
import type { RunRecord, Store } from '../store/types';
import type { Alert } from './types';

const COLLECTION = 'alerts';

const conditionSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['below', 'above']), value: z.number().finite().nonnegative() }),
  z.object({ kind: z.enum(['drops', 'rises']), percent: z.number().finite().positive() }),
  z.object({ kind: z.literal('anomaly') }),
]);

const alertSchema = z.object({
  id: z.string().regex(/^a[0-9a-f]{6}$/),
  metric: z.enum(ALERT_METRICS as [Alert['metric'], ...Alert['metric'][]]),
  subject: z
    .string()
    .regex(/^[A-Za-z0-9_\-./]{1,200}$/)
    .optional(),
  granularity: z.enum(['daily', 'weekly']),
  condition: conditionSchema,
  channel: z.string().regex(/^[CGD][A-Z0-9]{2,30}$/),
  app: z.string().max(64).optional(),
  createdBy: z.string().max(40),
  createdAt: z.number(),
  mutedUntil: z.number().optional(),
});

/**
 * The alerts, kept as documents in the store. What is read back is validated: a record that no
 * longer fits (edited by hand, written by a newer version) is logged and left out, never evaluated.
 */
export class AlertBook {
  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  private parse(body: string): Alert | undefined {
    try {
      const r = alertSchema.safeParse(JSON.parse(body));
      if (r.success) return r.data;
      this.log.warn({ problem: r.error.issues[0]?.message }, 'stored alert does not fit; left out');
    } catch {
      this.log.warn('stored alert is not JSON; left out');
    }
    return undefined;
  }

  async save(a: Alert): Promise<void> {
    await this.store.putDoc(COLLECTION, a.id, JSON.stringify(a), a.createdAt);
  }

  async get(id: string): Promise<Alert | undefined> {
    const body = await this.store.getDoc(COLLECTION, id);
    return body === undefined ? undefined : this.parse(body);
  }

  async list(): Promise<Alert[]> {
    return (await this.store.listDocs(COLLECTION)).map((b) => this.parse(b)).filter((a): a is Alert => a !== undefined);
  }

  /** The alert's latest evaluation in the run log (its claim, outcome and detail). */
  lastEvaluation(id: string): Promise<RunRecord | undefined> {
    return this.store.lastRun(id);
  }

  async remove(id: string): Promise<boolean> {
    return this.store.deleteDoc(COLLECTION, id);
  }
}
