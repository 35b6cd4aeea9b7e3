import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Server URL (no database) of the MySQL the tests share; each test file makes its own database. */
    mysqlUrl: string;
  }
}
