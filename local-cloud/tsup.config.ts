import { nodeProgram } from '../tsup.node';

// The data plane runs on a worker thread from its own file (src/workloads/data-plane.ts finds it).
export default nodeProgram({ main: 'src/main.ts', 'data-plane-worker': 'src/workloads/data-plane-worker.ts' });
