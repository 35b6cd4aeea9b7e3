export * from './mysql/index';
export { freePort } from './net/free-port';
export { startAwsEndpoint, type AwsEndpoint } from './aws/endpoint';
export { ssmService } from './aws/ssm/provider';
export { ParameterStore } from './aws/ssm/store';
export { FREE_PORTS_ENV } from './config';
