import { expect, it } from 'vitest';
import { z } from 'zod';
import { checkJsonSchema } from './check-json-schema.js';

const schema = z.toJSONSchema(
  z.object({
    id: z.number().int().positive(),
    name: z.string().min(1).regex(/^[a-z]+$/),
    at: z.string().meta({ format: 'date-time' }).nullable(),
    tags: z.array(z.enum(['a', 'b'])).max(2),
    extra: z.looseObject({ n: z.number() }).optional(),
  }),
);

it('accepts a value that conforms, and names each way a value breaks the schema', () => {
  expect(checkJsonSchema(schema, { id: 1, name: 'ok', at: null, tags: ['a'], extra: { n: 1.5, more: true } })).toEqual([]);
  expect(checkJsonSchema(schema, { id: 1, name: 'ok', at: '2026-01-02T03:04:05.000Z', tags: [] })).toEqual([]);
  expect(checkJsonSchema(schema, { id: 1.5, name: '', at: 'yesterday', tags: ['c', 'a', 'b'], surprise: 1 })).toEqual([
    '$.id: expected integer, got number',
    '$.name: shorter than 1',
    '$.name: does not match ^[a-z]+$',
    '$.at: matches 0 of the anyOf schemas',
    '$.tags: more than 2 items',
    '$.tags[0]: "c" is not one of ["a","b"]',
    '$: unexpected property surprise',
  ]);
  expect(checkJsonSchema(schema, { name: 'x', at: null, tags: [] })).toEqual(['$: missing id']);
});

it('follows $refs into the root document and reports dangling ones and unknown keywords', () => {
  const root = { defs: { n: { type: 'integer' } } };
  expect(checkJsonSchema({ $ref: '#/defs/n' }, 3, root)).toEqual([]);
  expect(checkJsonSchema({ $ref: '#/defs/n' }, 'x', root)).toEqual(['$: expected integer, got string']);
  expect(checkJsonSchema({ $ref: '#/defs/missing' }, 3, root)).toEqual(['$: $ref #/defs/missing resolves to nothing']);
  expect(checkJsonSchema({ if: { type: 'string' } }, 3)).toEqual(['$: the checker does not know the keyword if']);
});
