import { describe, expect, it } from 'vitest';
import { crowd, stallAfter } from './http';

/** Env that makes a service's HTTP limits short enough to observe in a test. */
export const SHORT_HTTP_LIMITS = {
  HTTP_HEADERS_TIMEOUT_MS: '500',
  HTTP_REQUEST_TIMEOUT_MS: '1000',
  HTTP_MAX_SERVER_CONNECTIONS: '8',
} as const;

/**
 * The hostile-client cases every service's HTTP server must survive, run against a service started
 * with SHORT_HTTP_LIMITS: headers that never end, a body that never ends, and more connections
 * than the cap. Each answer is what the client receives.
 */
export function describeServerLimits(name: string, service: () => { url: string; postPath: string }): void {
  describe(`${name}: a slow, endless or crowding client`, () => {
    it('headers that never end: 408 and the connection closed, within the headers timeout', async () => {
      const { url, postPath } = service();
      const answer = await stallAfter(url, `POST ${postPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: `, 5000);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('a body that never ends: 408 and the connection closed, within the request timeout', async () => {
      const { url, postPath } = service();
      const headers = `POST ${postPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
      const answer = await stallAfter(url, `${headers}{"customer_name": "Sl`, 5000);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    });

    it('connections past the cap are closed unanswered; the service answers again when they go', async () => {
      const { url } = service();
      const { outcomes, close } = await crowd(url, 12);
      close();
      const answered = outcomes.filter((o) => o === 'answered').length;
      // 8 at most (fewer when this process already holds a kept-alive connection), never all 12.
      expect(answered).toBeGreaterThan(0);
      expect(answered).toBeLessThanOrEqual(8);
      let status = 0;
      for (let i = 0; i < 50 && status === 0; i++) {
        status = await fetch(`${url}/`).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(status).toBe(404);
    });
  });
}
