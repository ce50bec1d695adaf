import { describe, expect, test } from 'vitest';
import { expandMatrix, formatJobId } from './expand-matrix.js';
import type { MatrixSpec } from './model.js';

function matrix(spec: Partial<MatrixSpec>): MatrixSpec {
  return { axes: {}, include: [], exclude: [], ...spec };
}

describe('expandMatrix', () => {
  test('the cartesian product varies the first axis slowest', () => {
    expect(expandMatrix(matrix({ axes: { os: ['linux', 'macos'], node: [18, 20] } }))).toEqual([
      { os: 'linux', node: 18 },
      { os: 'linux', node: 20 },
      { os: 'macos', node: 18 },
      { os: 'macos', node: 20 },
    ]);
  });

  test('exclude drops every combination an entry matches, including partial entries', () => {
    // GitHub's documented example: 12 combinations, one full and two partial matches excluded.
    const combinations = expandMatrix(
      matrix({
        axes: { os: ['macos', 'windows'], version: [12, 14, 16], environment: ['staging', 'production'] },
        exclude: [
          { os: 'macos', version: 12, environment: 'production' },
          { os: 'windows', version: 16 },
        ],
      }),
    );
    expect(combinations).toHaveLength(9);
    expect(combinations).not.toContainEqual({ os: 'macos', version: 12, environment: 'production' });
    expect(combinations.filter((c) => c.os === 'windows' && c.version === 16)).toEqual([]);
  });

  test('include extends matching combinations and adds the ones that match none (GitHub example)', () => {
    const combinations = expandMatrix(
      matrix({
        axes: { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] },
        include: [
          { color: 'green' },
          { color: 'pink', animal: 'cat' },
          { fruit: 'apple', shape: 'circle' },
          { fruit: 'banana' },
          { fruit: 'banana', animal: 'cat' },
        ],
      }),
    );
    expect(combinations).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
  });

  test('exclude applies before include, so include can bring an excluded combination back', () => {
    const combinations = expandMatrix(
      matrix({ axes: { os: ['linux', 'macos'] }, exclude: [{ os: 'macos' }], include: [{ os: 'macos', beta: true }] }),
    );
    expect(combinations).toEqual([{ os: 'linux' }, { os: 'macos', beta: true }]);
  });

  test('values compare by text, so 18 and "18" are the same value', () => {
    expect(expandMatrix(matrix({ axes: { node: [18, 20] }, exclude: [{ node: '18' }] }))).toEqual([{ node: 20 }]);
  });

  test('an include-only matrix runs exactly its entries, duplicates once', () => {
    const include = [{ target: 'arm64' }, { target: 'x64' }, { target: 'arm64' }];
    expect(expandMatrix(matrix({ include }))).toEqual([{ target: 'arm64' }, { target: 'x64' }]);
  });
});

describe('formatJobId', () => {
  test('declared axes first in their order, then keys only include added', () => {
    const id = formatJobId('test', { extra: 'yes', node: 20, os: 'linux' }, ['os', 'node']);
    expect(id).toBe('test[os=linux,node=20,extra=yes]');
  });

  test('a stage without matrix values is its own id', () => {
    expect(formatJobId('build', {}, [])).toBe('build');
  });
});
