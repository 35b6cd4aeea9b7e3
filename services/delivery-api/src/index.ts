/** The Delivery API as a library: its config loader and app factory, for embedding it in tests. */
export { loadConfig, type Config } from './config';
export type { ParamReader, ParamReading } from './parameters';
export { createDeliveryService, type DeliveryService } from './service';
