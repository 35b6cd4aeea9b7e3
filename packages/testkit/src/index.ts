import './provided-context';
export * from './database';
export * from './local-ssm';
export * from './http';
export * from './child-service';
