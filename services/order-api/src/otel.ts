import { FastifyOtelInstrumentation } from '@fastify/otel';

/**
 * Route-aware spans for Fastify. The http instrumentation alone names server spans `POST` without
 * the route; this sets `http.route`, so Application Signals sees the operation `POST /api/orders`.
 * It must exist before the first `Fastify()` call and uses whatever tracer provider is installed
 * (upstream auto-instrumentation locally, ADOT on EKS); without one it does nothing.
 */
export const fastifyOtel = new FastifyOtelInstrumentation({ registerOnInitialization: true });
