import 'server-only';

/** What a collector last read: the value, when, and (if the last read failed) why it is stale. */
export interface Snapshot<T> {
  /** The last good value; undefined until a read has succeeded. */
  value?: T;
  /** Epoch ms when the read that produced `value` began (the data is at least this fresh). */
  readAt: number | null;
  /** Bumped whenever `value` changes (a read that finds the same data keeps it). */
  version: number;
  /** Set when the newest read failed: the value shown is older than it should be. */
  error?: { message: string; status: number };
}

export type Listener<T> = (snapshot: Snapshot<T>, changed: boolean) => void;

export interface CollectorOptions<T> {
  name: string;
  /** How often the source can change: a read younger than this is served as it is. */
  cadenceMs: number;
  read: () => Promise<T>;
  now?: () => number;
}

function failure(error: unknown): { message: string; status: number } {
  const status = (error as { status?: unknown }).status;
  return {
    message: error instanceof Error ? error.message : String(error),
    status: typeof status === 'number' ? status : 502,
  };
}

/**
 * The one reader of one data source, shared by every tab: reads at most once per cadence
 * whoever asks (single-flight: callers during a read wait for it), pushes each change to its
 * subscribers, and keeps the last good value when a read fails. It reads on a timer only while
 * someone is subscribed; otherwise on demand.
 */
export class Collector<T> {
  private snapshot: Snapshot<T> = { readAt: null, version: 0 };
  private lastAttempt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<Snapshot<T>> | undefined;
  private readonly listeners = new Set<Listener<T>>();
  private timer: NodeJS.Timeout | undefined;
  private lastJson = '';
  /** Invalidated during a read: that read may predate the change, so read once more after it. */
  private readAgain = false;
  private readonly now: () => number;
  /** Reads made so far (for tests and the benchmark). */
  reads = 0;

  constructor(private readonly options: CollectorOptions<T>) {
    this.now = options.now ?? Date.now;
  }

  get name(): string {
    return this.options.name;
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** The newest snapshot, reading first when the last attempt is older than the cadence. */
  current(): Promise<Snapshot<T>> {
    if (this.now() - this.lastAttempt < this.options.cadenceMs) return this.inFlight ?? Promise.resolve(this.snapshot);
    return this.refresh();
  }

  /**
   * Calls `listener` with the current snapshot now (if there is one) and after every read:
   * `changed` false when the read found the same data (only `readAt` moved).
   */
  subscribe(listener: Listener<T>): () => void {
    this.listeners.add(listener);
    if (this.snapshot.readAt !== null || this.snapshot.error) listener(this.snapshot, true);
    if (!this.timer) this.schedule(0);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** The next `current()` reads the source; a subscribed collector reads at once. */
  invalidate(): void {
    this.lastAttempt = Number.NEGATIVE_INFINITY;
    if (this.inFlight) this.readAgain = true;
    else if (this.listeners.size > 0) void this.refresh();
  }

  /** Stops the timer (the console's dispose). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  /**
   * One timer chain at a time: a chain goes on only while its timer is still the collector's, so
   * a chain whose read was out when the last subscriber left ends there, even if a new subscriber
   * has started another meanwhile.
   */
  private schedule(delayMs: number): void {
    const timer = setTimeout(() => {
      void this.current().finally(() => {
        if (this.timer === timer && this.listeners.size > 0)
          this.schedule(Math.max(0, this.lastAttempt + this.options.cadenceMs - this.now()));
      });
    }, delayMs);
    timer.unref();
    this.timer = timer;
  }

  private refresh(): Promise<Snapshot<T>> {
    if (this.inFlight) return this.inFlight;
    const startedAt = this.now();
    this.lastAttempt = startedAt;
    this.reads++;
    this.inFlight = this.options
      .read()
      .then(
        (value) => {
          const json = JSON.stringify(value);
          const changed = json !== this.lastJson || this.snapshot.error !== undefined;
          this.lastJson = json;
          this.snapshot = { value, readAt: startedAt, version: this.snapshot.version + (changed ? 1 : 0) };
          return changed;
        },
        (error: unknown) => {
          this.snapshot = { ...this.snapshot, version: this.snapshot.version + 1, error: failure(error) };
          return true;
        },
      )
      .then((changed) => {
        this.inFlight = undefined;
        for (const listener of this.listeners) listener(this.snapshot, changed);
        if (this.readAgain) {
          this.readAgain = false;
          this.lastAttempt = Number.NEGATIVE_INFINITY;
          if (this.listeners.size > 0) void this.refresh();
        }
        return this.snapshot;
      });
    return this.inFlight;
  }
}
