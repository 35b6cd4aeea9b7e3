import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * JSON lines on stdout. Under OpenTelemetry auto-instrumentation the pino instrumentation adds
 * `trace_id`/`span_id` to every line written inside a request. Secrets never reach the logger:
 * the password fields below are censored wherever they appear.
 */
export function createLogger(options: { service: string; version: string; level: LogLevel }): Logger {
  return pino({
    level: options.level,
    base: { service: options.service, version: options.version },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: ['password', '*.password', 'config.mysql.password', 'authorization', '*.authorization'],
      censor: '[redacted]',
    },
  });
}
