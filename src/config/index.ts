export { type BlobStoreConfig, type Config, loadConfig } from './config.js';
