export * from './mysql/index';
export { freePort } from './net/free-port';
export { startAwsEndpoint, type AwsEndpoint } from './aws/endpoint';
export { ssmService } from './aws/ssm/provider';
export { ParameterStore } from './aws/ssm/store';
export { FREE_PORTS_ENV, loadConfig, type LocalCloudConfig } from './config';
export { startLocalCloud, type LocalCloud } from './stack';
export { LOCAL_CREDENTIALS, type Endpoints } from './endpoints';
