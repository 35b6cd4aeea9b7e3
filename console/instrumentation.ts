/**
 * Runs once when the console server starts. First the console refuses to run at all when its
 * configuration is invalid, or when `next start` binds another address than CONSOLE_HOST (the
 * address the operator-token requirement was checked against): a console bound to every
 * interface without a token must not serve a single request. Then the runbook records any run a
 * previous process left unfinished and arms a pending auto-restore, so Restore happens even if no
 * browser is open.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { loadConsoleConfig } = await import('./src/server/config');
  const { boundHost } = await import('./src/server/access');
  try {
    const config = loadConsoleConfig();
    const bound = boundHost(process.argv);
    if (bound !== config.host)
      throw new Error(
        `next start binds ${bound} but CONSOLE_HOST is ${config.host}: start it with -H "$CONSOLE_HOST" (npm run console does)`,
      );
  } catch (error) {
    console.error(`[console] refusing to start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  const { getConsole } = await import('./src/server/context');
  try {
    getConsole().runbook.resume();
  } catch (error) {
    // A console without a reachable target still serves its pages, which say what is wrong.
    console.error(`[console] not ready: ${error instanceof Error ? error.message : String(error)}`);
  }
}
