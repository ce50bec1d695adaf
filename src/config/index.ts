export { type BlobStoreConfig, type BusConfig, type Config, defaultLocalAgents, type LocalAgentsConfig, loadConfig } from './config.js';
