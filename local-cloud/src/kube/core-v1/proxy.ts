import http from 'node:http';
import { KubeError } from '../errors';
import { HANDLED, json, type RouteRequest } from '../routes';

/**
 * What the API server's proxy subresources do once they have picked a pod: forward the request to
 * it and stream the answer back. `path` is the part after `/proxy/`.
 */
export async function forwardToReplica(port: number, path: string, request: RouteRequest): Promise<typeof HANDLED> {
  const headers = { ...request.req.headers, host: `127.0.0.1:${port}` };
  // The API server's credentials are not the pod's business.
  delete headers.authorization;
  await new Promise<void>((resolve) => {
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port,
        method: request.req.method,
        path: `/${path}${request.url.search}`,
        headers,
        agent: false,
      },
      (response) => {
        request.res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(request.res);
        response.once('end', resolve);
      },
    );
    upstream.once('error', (error) => {
      json(
        request.res,
        503,
        new KubeError(503, 'ServiceUnavailable', `error trying to reach service: ${error.message}`).toStatus(),
      );
      resolve();
    });
    request.req.pipe(upstream);
  });
  return HANDLED;
}
