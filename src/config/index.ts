export { type BlobStoreConfig, type BusConfig, type Config, defaultLocalAgents, type LocalAgentsConfig, loadConfig, type TracingConfig } from './config.js';
