import { NextResponse, type NextRequest } from 'next/server';
import { hostAllowed } from './src/server/access';
import { loadConsoleConfig, type ConsoleConfig } from './src/server/config';

const holder = globalThis as typeof globalThis & { __consoleProxyConfig?: ConsoleConfig };

/**
 * In front of every page, asset and route: a Host outside the allowlist (a DNS-rebinding page, or
 * a name the console was not published under) is refused before anything runs, and so is a body
 * declared larger than any route reads.
 */
export function proxy(request: NextRequest): NextResponse {
  holder.__consoleProxyConfig ??= loadConsoleConfig();
  const config = holder.__consoleProxyConfig;
  if (!hostAllowed(request.headers.get('host'), config))
    return NextResponse.json(
      { error: 'Misdirected request: this console does not answer to that host name', status_code: 421 },
      { status: 421 },
    );
  if (Number(request.headers.get('content-length') ?? 0) > config.maxBodyBytes)
    return NextResponse.json(
      { error: `The request body is over ${config.maxBodyBytes} bytes`, status_code: 413 },
      { status: 413 },
    );
  return NextResponse.next();
}
