export * from './names';
export * from './pool-params';
export * from './money';
export * from './validation';
export * from './order';
export * from './delivery';
export * from './health';
export * from './sample-orders';
