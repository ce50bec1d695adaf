import { join } from 'node:path';
import { describeTargetContract } from '../target-contract.js';
import { createLocalTarget } from './target.js';

describeTargetContract('local', async (dir, onEvent) => ({
  target: createLocalTarget({ baseEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, onEvent }),
  files: { workdir: dir },
  unavailable: (release) => ({ ...release, workdir: join(dir, 'missing') }),
  unavailableMessage: /before it was ever ready .*\n.*could not start: spawn bash ENOENT/s,
  dispose: async () => {},
}));
