/**
 * Runs once when the console server starts: the runbook records any run a previous process left
 * unfinished and arms a pending auto-restore, so Restore happens even if no browser is open.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { getConsole } = await import('./src/server/context');
  try {
    getConsole().runbook.resume();
  } catch (error) {
    // A console without a reachable target still serves its pages, which say what is wrong.
    console.error(`[console] not ready: ${error instanceof Error ? error.message : String(error)}`);
  }
}
