import { describe, expect, test } from 'vitest';
import { runScheduling } from './run-concurrency.js';

describe('runScheduling', () => {
  test(`scopes the group to the project and puts the ref in for \${{ ref }}`, () => {
    const plan = { name: 'ci', jobs: [], priority: 5, concurrency: { group: `ci-\${{ ref }}`, cancelInProgress: true } };
    expect(runScheduling(plan, { project: 'acme/web', ref: 'main' })).toEqual({
      priority: 5,
      concurrency: { group: 'acme/web/ci-main', cancelInProgress: true },
    });
  });

  test('no group and priority 0 when the plan asks for neither', () => {
    expect(runScheduling({ name: 'ci', jobs: [] }, { project: 'acme/web', ref: 'main' })).toEqual({ priority: 0 });
  });
});
