import { describe, expect, it } from 'vitest';
import { AuditLog } from '../audit';
import { openDatabase } from '../db';
import { KillSwitch, type KillSwitchTargets } from './kill-switch';

/** Targets that record what they were told, one of them failing when asked to. */
function targets(failing?: keyof KillSwitchTargets) {
  const told: string[] = [];
  const target =
    (name: keyof KillSwitchTargets, answer: string) =>
    (actor: string): Promise<string> => {
      told.push(`${name} by ${actor}`);
      return name === failing ? Promise.reject(new Error(`${name} unreachable`)) : Promise.resolve(answer);
    };
  return {
    told,
    targets: {
      stopBurst: target('stopBurst', 'burst b1: sending stopped'),
      stopTraffic: target('stopTraffic', 'background traffic off'),
      restore: target('restore', 'restore r1 started'),
    },
  };
}

const at = new Date('2026-12-03T10:00:00.000Z');

describe('kill switch', () => {
  it('armed -> engaged: stops the burst, the traffic and the fault at once, and refuses new runs with 409', async () => {
    const db = openDatabase(':memory:');
    const audit = new AuditLog(db);
    const { told, targets: t } = targets();
    const kill = new KillSwitch(db, audit, t, () => at);
    expect(kill.state()).toEqual({ engaged: false });
    expect(() => kill.assertArmed()).not.toThrow();
    expect(await kill.engage('presenter')).toEqual({ engaged: true, since: at.toISOString(), by: 'presenter' });
    expect(told.sort()).toEqual(['restore by presenter', 'stopBurst by presenter', 'stopTraffic by presenter']);
    expect(() => kill.assertArmed()).toThrow(expect.objectContaining({ status: 409 }));
    expect(() => kill.assertArmed()).toThrow(/kill switch is on \(since 2026-12-03T10:00:00.000Z, by presenter\)/);
    const rows = audit.list(10).reverse();
    expect(rows.map((r) => `${r.action} ${r.outcome}`)).toEqual([
      'killswitch.engage started',
      'killswitch.engage succeeded',
    ]);
    expect(rows[1]?.detail).toEqual({
      burst: 'burst b1: sending stopped',
      traffic: 'background traffic off',
      fault: 'restore r1 started',
    });
  });

  it('one target failing stops none of the others, and the outcome says partial with why', async () => {
    const db = openDatabase(':memory:');
    const audit = new AuditLog(db);
    const { told, targets: t } = targets('stopTraffic');
    const kill = new KillSwitch(db, audit, t, () => at);
    await kill.engage('presenter');
    expect(told).toHaveLength(3);
    expect(kill.state().engaged).toBe(true);
    expect(audit.list(1)[0]).toMatchObject({
      outcome: 'partial',
      detail: { traffic: 'failed: stopTraffic unreachable', fault: 'restore r1 started' },
    });
  });

  it('engaged -> re-armed allows runs again; the state survives a console restart; every change is audited', async () => {
    const db = openDatabase(':memory:');
    const audit = new AuditLog(db);
    await new KillSwitch(db, audit, targets().targets, () => at).engage('presenter');
    // A new console process on the same database is still engaged.
    const restarted = new KillSwitch(db, audit, targets().targets, () => at);
    expect(restarted.state()).toMatchObject({ engaged: true, by: 'presenter' });
    expect(() => restarted.assertArmed()).toThrow();
    expect(restarted.rearm('operator')).toEqual({ engaged: false });
    expect(() => restarted.assertArmed()).not.toThrow();
    expect(audit.list(1)[0]).toMatchObject({
      action: 'killswitch.rearm',
      outcome: 'succeeded',
      detail: { engagedSince: at.toISOString(), engagedBy: 'presenter' },
    });
    expect(restarted.rearm('operator')).toEqual({ engaged: false });
    expect(audit.list(1)[0]).toMatchObject({ action: 'killswitch.rearm', outcome: 'already armed' });
  });
});
