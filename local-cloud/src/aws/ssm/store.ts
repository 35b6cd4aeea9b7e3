import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export type ParameterType = 'String' | 'StringList' | 'SecureString';

export interface StoredParameter {
  name: string;
  type: ParameterType;
  value: string;
  version: number;
  lastModified: Date;
  description?: string;
  dataType: string;
  tags: { Key: string; Value: string }[];
}

interface FileShape {
  parameters: (Omit<StoredParameter, 'lastModified'> & { lastModified: string })[];
}

/**
 * Parameters by name, in memory, written through to a JSON file when one is given, so values
 * survive a restart of local-cloud (the demo keeps it under .demo/).
 */
export class ParameterStore {
  private readonly parameters = new Map<string, StoredParameter>();

  constructor(private readonly file?: string) {
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return;
    }
    const data = JSON.parse(text) as FileShape;
    for (const parameter of data.parameters) {
      this.parameters.set(parameter.name, { ...parameter, lastModified: new Date(parameter.lastModified) });
    }
  }

  get(name: string): StoredParameter | undefined {
    return this.parameters.get(name);
  }

  all(): StoredParameter[] {
    return [...this.parameters.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  set(parameter: StoredParameter): void {
    this.parameters.set(parameter.name, parameter);
    this.persist();
  }

  delete(name: string): boolean {
    const existed = this.parameters.delete(name);
    if (existed) this.persist();
    return existed;
  }

  private persist(): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const data: FileShape = {
      parameters: this.all().map((p) => ({ ...p, lastModified: p.lastModified.toISOString() })),
    };
    // Write-then-rename, so a crash never leaves half a file.
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`);
    renameSync(temporary, this.file);
  }
}
