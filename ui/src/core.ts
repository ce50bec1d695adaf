// The UI's pure logic lives in src/ui-core (tested by the root vitest config); one import point here.
export * from '../../src/ui-core/index.js';
