import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempDirs } from '../test-support/fixtures.js';
import { detectSandbox } from './detect-sandbox.js';

const temp = createTempDirs();
afterEach(() => temp.cleanup());

describe('detectSandbox', () => {
  it('falls back to no sandbox with a notice when bwrap is not on the PATH', async () => {
    const emptyBin = await temp.make();
    const detected = await detectSandbox({ searchPath: emptyBin, probeDir: emptyBin });
    expect(detected.sandbox.kind).toBe('none');
    expect(detected.notice).toBe(
      'bubblewrap (bwrap) not found: steps run without a sandbox; install bubblewrap to isolate them',
    );
  });

  it('falls back with the reason when bwrap is installed but cannot create namespaces', async () => {
    const bin = await temp.make();
    // A real bwrap behaves like this in a container without user namespaces.
    const fakeBwrap = path.join(bin, 'bwrap');
    await writeFile(fakeBwrap, '#!/bin/sh\necho "bwrap: No permissions to create new namespace" >&2\nexit 1\n');
    await chmod(fakeBwrap, 0o755);
    const detected = await detectSandbox({ searchPath: bin, probeDir: bin });
    expect(detected.sandbox.kind).toBe('none');
    expect(detected.notice).toContain(`bubblewrap (${fakeBwrap}) cannot create a sandbox here`);
    expect(detected.notice).toContain('No permissions to create new namespace');
  });
});
