import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where distributions put the server binaries besides PATH (Debian: /usr/sbin, Homebrew, tarballs). */
export const EXTRA_DIRS: readonly string[] = [
  '/usr/sbin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/opt/homebrew/bin',
  '/usr/local/mysql/bin',
];

export type ServerFlavor = 'mariadb' | 'mysql';

export interface ServerBinary {
  flavor: ServerFlavor;
  /** mariadbd or mysqld */
  server: string;
  /** mariadb-install-db for MariaDB; MySQL initialises with `mysqld --initialize-insecure`. */
  installDb?: string;
  version: string;
}

export const INSTALL_HINT =
  'No MySQL-compatible server was found. Either set MYSQL_URL (e.g. mysql://root:secret@127.0.0.1:3306/) ' +
  'to a server you run, or install one: Debian/Ubuntu `sudo apt-get install -y mariadb-server`, ' +
  'Fedora `sudo dnf install -y mariadb-server`, macOS `brew install mariadb`. ' +
  'Only the binary is needed: the demo starts its own private server and never touches a system one.';

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findExecutable(
  names: readonly string[],
  searchPath: string,
  extraDirs: readonly string[],
): Promise<string | undefined> {
  const dirs = [...searchPath.split(path.delimiter).filter(Boolean), ...extraDirs];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (await isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Finds mariadbd (preferred: it starts in well under a second) or mysqld. */
export async function findServerBinary(
  searchPath: string,
  extraDirs: readonly string[] = EXTRA_DIRS,
): Promise<ServerBinary> {
  const server = await findExecutable(['mariadbd', 'mysqld'], searchPath, extraDirs);
  if (!server) throw new Error(INSTALL_HINT);
  const { stdout } = await run(server, ['--version']);
  const version = stdout.trim();
  if (/mariadb/i.test(version)) {
    const installDb = await findExecutable(['mariadb-install-db', 'mysql_install_db'], searchPath, extraDirs);
    if (!installDb) {
      throw new Error(`Found ${server} but not mariadb-install-db to initialise a data directory. ${INSTALL_HINT}`);
    }
    return { flavor: 'mariadb', server, installDb, version };
  }
  return { flavor: 'mysql', server, version };
}
