export { startLoad, LoadRun, type LoadOptions, type Snapshot, type Summary, type Counts, type Outcome } from './engine';
export { LatencyRecorder, type LatencySummary } from './latency';
