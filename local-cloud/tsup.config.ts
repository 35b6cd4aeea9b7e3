import { nodeProgram } from '../tsup.node';

// Three programs: local-cloud; its data plane, on a worker thread from its own file (data-plane.ts
// finds it); the OpenTelemetry register the workloads start under (specs.ts names it).
export default nodeProgram({
  main: 'src/main.ts',
  'data-plane-worker': 'src/workloads/data-plane-worker.mts',
  'otel-register': 'src/telemetry/otel-register.ts',
});
