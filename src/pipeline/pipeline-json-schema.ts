import { z } from 'zod';
import { pipelineSchema, stepSchema } from './pipeline-schema.js';

/**
 * JSON Schema (draft 2020-12) of `.pipeline.yml` as written, for editor autocompletion. Committed as
 * schema/pipeline.schema.json; a test keeps the two equal. Cross-field rules checked in code are
 * added here where JSON Schema can say them (exactly one of run/uses/approval).
 */
export function pipelineJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pipelineSchema, {
    io: 'input',
    target: 'draft-2020-12',
    override: (ctx) => {
      if (ctx.zodSchema === stepSchema) {
        ctx.jsonSchema.oneOf = [{ required: ['run'] }, { required: ['uses'] }, { required: ['approval'] }];
      }
    },
  }) as Record<string, unknown>;
}
