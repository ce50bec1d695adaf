import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

it('src/canary/gen is exactly what `node scripts/generate-proto.mjs` makes of proto/', () => {
  const out = mkdtempSync(join(tmpdir(), 'slipway-proto-'));
  try {
    execFileSync(process.execPath, [join(root, 'scripts/generate-proto.mjs'), '--output', out], { cwd: root, stdio: 'pipe' });
    const generated = readTree(join(out, 'src/canary/gen'));
    expect(Object.keys(generated).length).toBeGreaterThan(0);
    // On a difference: run `node scripts/generate-proto.mjs` and commit the result with the .proto change.
    expect(readTree(join(root, 'src/canary/gen'))).toEqual(generated);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
