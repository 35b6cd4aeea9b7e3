export * from './logger';
export * from './trace';
export * from './http-error';
export * from './graceful-shutdown';
export * from './env';
export * from './http-server';
