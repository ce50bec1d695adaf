import { readFile } from 'node:fs/promises';
import { expect, test } from 'vitest';
import { pipelineJsonSchema } from './pipeline-json-schema.js';

const committedPath = new URL('../../schema/pipeline.schema.json', import.meta.url);

test('schema/pipeline.schema.json is what pipelineJsonSchema() generates (run `npm run schema` to update)', async () => {
  const committed = await readFile(committedPath, 'utf8');
  expect(committed).toBe(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
});

test('the schema closes every object editors complete and says a step needs one of run, uses or approval', () => {
  const schema = pipelineJsonSchema() as {
    additionalProperties: boolean;
    required: string[];
    $defs: Record<string, { additionalProperties?: unknown; oneOf?: unknown; required?: string[] }>;
  };
  expect(schema.additionalProperties).toBe(false);
  expect(schema.required).toEqual(['name', 'stages']);
  expect(schema.$defs.stage).toMatchObject({ additionalProperties: false, required: ['name', 'steps'] });
  expect(schema.$defs.step).toMatchObject({
    additionalProperties: false,
    oneOf: [{ required: ['run'] }, { required: ['uses'] }, { required: ['approval'] }],
  });
});
