/**
 * Values kept for one slot of wall-clock time: a value loaded in slot floor(now / slotMs) serves
 * every caller until the clock leaves that slot; a load that fails is forgotten at once.
 *
 * Slots rather than "younger than ttl": the console's collectors read on fixed cadences, and a
 * ttl equal to a reader's cadence (or a multiple of it) expires a few milliseconds either side of
 * each read, so whether a read reloads would be chance, and so the calls a minute. With slots a
 * key loads once per slot that anyone asks in, whatever the readers' phases.
 */
export class SlotCache<V> {
  private readonly entries = new Map<string, { slot: number; value: Promise<V> }>();

  constructor(
    private readonly slotMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const slot = Math.floor(this.now() / this.slotMs);
    const hit = this.entries.get(key);
    if (hit && hit.slot === slot) return hit.value;
    const value = load();
    this.entries.set(key, { slot, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    return value;
  }
}
