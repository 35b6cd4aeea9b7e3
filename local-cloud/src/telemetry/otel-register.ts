// local-cloud's OpenTelemetry register, `node --require <this> dist/server.js`: the part of the
// auto-instrumentation the two services use, and nothing else. The meta-package's register loads
// every instrumentation it knows and the whole Node SDK with metric and log exporters, about
// 0.75 s of every replica start (1.3 s on a busy 2-core machine, on the fault's critical path: a
// rollout starts two Delivery API pods one after the other); this one loads in about 0.25 s.
//
// The services stay free of telemetry code, and on EKS the CloudWatch operator injects the AWS
// distro instead (k8s/templates). What it reads, as the auto-instrumentation does: OTEL_SERVICE_NAME
// and OTEL_RESOURCE_ATTRIBUTES (the env resource detector), OTEL_EXPORTER_OTLP_ENDPOINT,
// OTEL_BSP_*, OTEL_TRACES_SAMPLER. What it supports of the rest: OTLP/HTTP JSON traces only, or
// OTEL_TRACES_EXPORTER=none; no metrics or logs (local-cloud derives metrics from the spans).
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

// eslint-disable-next-line no-restricted-properties -- a register runs before any program, configured by env alone
const env = process.env;
const exporter = env.OTEL_TRACES_EXPORTER ?? 'otlp';
const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/json';
if (exporter !== 'none' && (exporter !== 'otlp' || protocol !== 'http/json'))
  throw new Error(
    `local-cloud's OpenTelemetry register exports OTLP/HTTP JSON traces only (OTEL_TRACES_EXPORTER=${exporter}, protocol ${protocol})`,
  );

const provider = new NodeTracerProvider({
  resource: defaultResource().merge(
    detectResources({ detectors: [envDetector, hostDetector, osDetector, processDetector] }),
  ),
  spanProcessors: exporter === 'none' ? [] : [new BatchSpanProcessor(new OTLPTraceExporter())],
});
provider.register();
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [
    new HttpInstrumentation(),
    new UndiciInstrumentation(),
    new ExpressInstrumentation(),
    new MySQL2Instrumentation(),
    new PinoInstrumentation(),
    new AwsInstrumentation(),
  ],
});

// The meta-package shuts the SDK down at SIGTERM, which drops the spans of the requests the
// service is still draining. Here a drain keeps tracing; its spans are sent every 100 ms, and the
// service's own exit (once drained) waits for the last of them, up to a second.
process.once('SIGTERM', () => {
  setInterval(() => void provider.forceFlush(), 100).unref();
  const exit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    const giveUp = setTimeout(() => exit(code), 1000);
    void provider.shutdown().finally(() => {
      clearTimeout(giveUp);
      exit(code);
    });
  }) as typeof process.exit;
});
process.once('beforeExit', () => void provider.shutdown());
