import 'server-only';
import { GetParametersCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { formatPoolParams, parsePoolParams, type AppNames, type PoolParamKey, type PoolParams } from '@demo/contracts';
import type { Clients } from './clients';

/** The four pool parameters in SSM, read and written through the real SSM API. */
export class PoolParameterStore {
  constructor(
    private readonly clients: Clients,
    private readonly names: AppNames,
  ) {}

  async read(): Promise<{ params: PoolParams; missing: PoolParamKey[] }> {
    const byName = new Map(Object.entries(this.names.parameters).map(([key, name]) => [name, key as PoolParamKey]));
    const out = await this.clients.ssm.send(new GetParametersCommand({ Names: [...byName.keys()] }));
    const raw: Partial<Record<PoolParamKey, string>> = {};
    for (const p of out.Parameters ?? []) {
      const key = p.Name ? byName.get(p.Name) : undefined;
      if (key && p.Value !== undefined) raw[key] = p.Value;
    }
    const { params } = parsePoolParams(raw);
    return {
      params,
      missing: (Object.keys(this.names.parameters) as PoolParamKey[]).filter((key) => raw[key] === undefined),
    };
  }

  /** Writes each given value (String, Overwrite); returns the parameter names it wrote. */
  async write(params: Partial<PoolParams>): Promise<string[]> {
    const values = formatPoolParams({ ...(await this.read()).params, ...params });
    const written: string[] = [];
    for (const key of Object.keys(params) as PoolParamKey[]) {
      const name = this.names.parameters[key];
      await this.clients.ssm.send(
        new PutParameterCommand({ Name: name, Value: values[key], Type: 'String', Overwrite: true }),
      );
      written.push(`${name}=${values[key]}`);
    }
    return written;
  }
}
