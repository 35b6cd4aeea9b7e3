import { describe, expect, it } from 'vitest';
import { burstRequestSchema, type Snapshot } from '../../shared/bursts';
import { DEFAULT_BURST_FORM, toBurstRequest, totals } from './burst-form';

const caps = { maxRate: 500, maxDurationSeconds: 300, maxInFlight: 500 };

describe('the burst form', () => {
  it('sends the defaults as numbers the server accepts', () => {
    const request = toBurstRequest(DEFAULT_BURST_FORM);
    expect(request).toEqual({ rate: 20, durationSeconds: 15, maxInFlight: 100, invalidShare: 0 });
    expect(burstRequestSchema(caps).safeParse(request).success).toBe(true);
  });

  it('lets the schema name a rate above the cap and text that is not a number', () => {
    const parsed = burstRequestSchema(caps).safeParse(
      toBurstRequest({ ...DEFAULT_BURST_FORM, rate: '900', maxInFlight: 'lots' }),
    );
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['maxInFlight', 'rate']);
  });

  it('adds up the snapshots so far', () => {
    const second = (counts: Partial<Snapshot>) =>
      ({
        sent: 0,
        ok: 0,
        clientErrors: 0,
        serverErrors: 0,
        timeouts: 0,
        failures: 0,
        dropped: 0,
        ...counts,
      }) as Snapshot;
    expect(
      totals([second({ sent: 10, ok: 9, serverErrors: 1 }), second({ sent: 10, ok: 7, clientErrors: 2, timeouts: 1 })]),
    ).toEqual({
      sent: 20,
      ok: 16,
      c4xx: 2,
      c5xx: 1,
      timeouts: 1,
      failures: 0,
      dropped: 0,
    });
  });
});
