export { type BuiltinRouterOptions, createBuiltinRouter } from './builtin/router.js';
export { type HaproxyRouter, type HaproxyRouterOptions, createHaproxyRouter } from './haproxy/router.js';
export {
  type BackendState,
  type RequestEvent,
  type RouterBackend,
  type RouterOptions,
  type RouterState,
  type RouterWeights,
  type ServiceState,
  type StickyOption,
  type Track,
  type TrafficRouter,
  defaultWeights,
  tracks,
  versionHeader,
} from './router.js';
