import { GetParametersCommand, type SSMClient } from '@aws-sdk/client-ssm';
import {
  parsePoolParams,
  POOL_PARAM_DEFAULTS,
  type AppNames,
  type PoolParamKey,
  type PoolParams,
} from '@demo/contracts';
import type { Logger } from '@demo/service-kit';

export interface ParamReading {
  params: PoolParams;
  /** `defaults` when the parameter store could not be read at all. */
  source: 'ssm' | 'defaults';
  /** Per parameter (or `store` for the whole call): why a default was used. */
  problems: Record<string, string>;
}

export interface ParamReader {
  read(): Promise<ParamReading>;
}

/**
 * Reads the four pool parameters in one GetParameters call. Missing parameters and unreadable
 * values fall back to their defaults; an unreachable store falls back entirely. It never throws.
 */
export function ssmParamReader(client: SSMClient, names: AppNames, logger: Logger): ParamReader {
  const byName = new Map<string, PoolParamKey>(
    Object.entries(names.parameters).map(([key, name]) => [name, key as PoolParamKey]),
  );
  return {
    async read() {
      try {
        const output = await client.send(new GetParametersCommand({ Names: [...byName.keys()] }));
        const raw: Partial<Record<PoolParamKey, string>> = {};
        for (const parameter of output.Parameters ?? []) {
          const key = parameter.Name ? byName.get(parameter.Name) : undefined;
          if (key && parameter.Value !== undefined) raw[key] = parameter.Value;
        }
        const { params, problems } = parsePoolParams(raw);
        const named = Object.fromEntries(
          Object.entries(problems).map(([key, problem]) => [names.parameters[key as PoolParamKey], problem]),
        );
        if (Object.keys(named).length > 0) logger.warn({ problems: named }, 'SSM parameters defaulted');
        return { params, source: 'ssm', problems: named };
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        logger.warn({ error: message, path: names.parameterPath }, 'SSM unreachable: using default pool parameters');
        return { params: { ...POOL_PARAM_DEFAULTS }, source: 'defaults', problems: { store: message } };
      }
    },
  };
}

export interface FaultSettings {
  faultInjection: boolean;
  faultDelaySeconds: number;
}

/**
 * The fault flag and delay, re-read at most once per TTL (the original cached for 30 s). A stale
 * value is served while the refresh runs in the background, so no insert waits on SSM; a failed
 * refresh keeps the last value read rather than silently switching the fault off.
 */
export class FaultSwitch {
  private value: FaultSettings;
  private readAt: number;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly reader: ParamReader,
    initial: ParamReading,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.value = pickFault(initial.params);
    this.readAt = this.now();
  }

  current(): FaultSettings {
    if (this.now() - this.readAt >= this.ttlMs) void this.refresh();
    return this.value;
  }

  /** Resolves once a refresh that is under way (if any) is done; tests use it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.reader
      .read()
      .then((reading) => {
        if (reading.source === 'ssm') this.value = pickFault(reading.params);
        this.readAt = this.now();
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}

function pickFault(params: PoolParams): FaultSettings {
  return { faultInjection: params.faultInjection, faultDelaySeconds: params.faultDelaySeconds };
}
