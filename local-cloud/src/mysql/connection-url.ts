/** The parts of a `mysql://user:password@host:port/database` URL the services take as MYSQL_* env. */
export interface MysqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database?: string;
}

export function parseMysqlUrl(url: string): MysqlEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`MYSQL_URL is not a URL: use mysql://user:password@host:3306/`);
  }
  if (parsed.protocol !== 'mysql:') {
    throw new Error(`MYSQL_URL must start with mysql:// (got ${parsed.protocol}//)`);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username || 'root'),
    password: decodeURIComponent(parsed.password),
    ...(database ? { database } : {}),
  };
}

/** The same URL with the password masked, for logs. */
export function redactMysqlUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
