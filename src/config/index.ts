export { type BlobStoreConfig, type Config, defaultLocalAgents, type LocalAgentsConfig, loadConfig } from './config.js';
