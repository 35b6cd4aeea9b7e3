import type { BenchConfig } from './config';
import type { Figure } from './report';

/** What every part gets: the settings, a scratch directory, and a progress logger. */
export interface PartContext {
  config: BenchConfig;
  /** Temporary: data directories and service logs (kept only if the part fails). */
  workDir: string;
  log: (message: string) => void;
}

export interface Part {
  name: string;
  title: string;
  run(context: PartContext): Promise<{ figures: Figure[]; raw: unknown }>;
}
