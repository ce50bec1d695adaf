// Regenerates src/canary/gen from proto/ with buf and the local protoc-gen-es (buf.gen.yaml): no network.
// `--output DIR` writes the tree under DIR instead (DIR/src/canary/gen), which is how
// src/canary/api/generated-code.test.ts checks that the checked-in code matches the .proto files.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const buf = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');
const outputIndex = process.argv.indexOf('--output');
const output = outputIndex === -1 ? undefined : process.argv[outputIndex + 1];
if (outputIndex !== -1 && !output) {
  console.error('usage: node scripts/generate-proto.mjs [--output DIR]');
  process.exit(2);
}
// buf.gen.yaml names the plugin by a path relative to the repository root, so buf runs there.
execFileSync(process.execPath, [buf, 'generate', ...(output ? ['--output', resolve(output)] : [])], { cwd: root, stdio: 'inherit' });
