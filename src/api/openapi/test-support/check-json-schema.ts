/**
 * A small JSON Schema (2020-12) checker for the keywords the API document uses — the subset zod's
 * toJSONSchema emits plus the error schemas: $ref (local), type, enum, const, properties, required,
 * additionalProperties, items, anyOf, oneOf, allOf, bounds, lengths, pattern and format date-time.
 * An unknown keyword is a problem too, so a schema the checker would silently wave through fails.
 */
type Schema = Record<string, unknown>;

const annotations = new Set(['description', 'default', 'title', 'examples', 'contentMediaType', 'format', '$schema', 'id']);
const checked = new Set([
  '$ref', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', 'anyOf', 'oneOf', 'allOf',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
  'propertyNames',
]);

/** Resolves `#/a/b` in `root`; undefined when it names nothing. */
export function resolvePointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const part of ref.slice(1).split('/').filter((p) => p !== '')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Every way `value` breaks `schema`, as `path: problem`; empty when it conforms. `root` resolves $refs. */
export function checkJsonSchema(schema: unknown, value: unknown, root: unknown = schema, path = '$'): string[] {
  if (schema === true || (typeof schema === 'object' && schema !== null && Object.keys(schema).length === 0)) return [];
  if (schema === false) return [`${path}: no value is allowed here`];
  if (typeof schema !== 'object' || schema === null) return [`${path}: the schema is not an object`];
  const s = schema as Schema;
  const problems: string[] = [];
  for (const keyword of Object.keys(s)) {
    if (!checked.has(keyword) && !annotations.has(keyword)) problems.push(`${path}: the checker does not know the keyword ${keyword}`);
  }
  if (typeof s.$ref === 'string') {
    const target = resolvePointer(root, s.$ref);
    if (target === undefined) return [...problems, `${path}: $ref ${s.$ref} resolves to nothing`];
    problems.push(...checkJsonSchema(target, value, root, path));
  }
  if (s.type !== undefined) {
    const types = [s.type].flat() as string[];
    if (!types.some((type) => matchesType(value, type))) return [...problems, `${path}: expected ${types.join(' or ')}, got ${typeOf(value)}`];
  }
  if (Array.isArray(s.enum) && !s.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) {
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(s.enum)}`);
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) problems.push(`${path}: expected ${JSON.stringify(s.const)}`);
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) problems.push(`${path}: ${value} < minimum ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) problems.push(`${path}: ${value} > maximum ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) problems.push(`${path}: ${value} <= ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) problems.push(`${path}: ${value} >= ${s.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) problems.push(`${path}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) problems.push(`${path}: longer than ${s.maxLength}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) problems.push(`${path}: does not match ${s.pattern}`);
    if (s.format === 'date-time' && (Number.isNaN(Date.parse(value)) || !/^\d{4}-\d\d-\d\dT/.test(value))) problems.push(`${path}: not a date-time`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) problems.push(`${path}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) problems.push(`${path}: more than ${s.maxItems} items`);
    if (s.items !== undefined) for (const [i, item] of value.entries()) problems.push(...checkJsonSchema(s.items, item, root, `${path}[${i}]`));
  }
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    for (const name of (s.required ?? []) as string[]) if (!(name in object)) problems.push(`${path}: missing ${name}`);
    for (const [name, item] of Object.entries(object)) {
      if (name in properties) problems.push(...checkJsonSchema(properties[name], item, root, `${path}.${name}`));
      else if (s.additionalProperties === false) problems.push(`${path}: unexpected property ${name}`);
      else if (s.additionalProperties !== undefined) problems.push(...checkJsonSchema(s.additionalProperties, item, root, `${path}.${name}`));
      if (s.propertyNames !== undefined) problems.push(...checkJsonSchema(s.propertyNames, name, root, `${path}{${name}}`));
    }
  }
  if (Array.isArray(s.allOf)) for (const part of s.allOf) problems.push(...checkJsonSchema(part, value, root, path));
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = s[keyword];
    if (!Array.isArray(options)) continue;
    const matching = options.filter((option) => checkJsonSchema(option, value, root, path).length === 0).length;
    if (matching === 0 || (keyword === 'oneOf' && matching > 1)) problems.push(`${path}: matches ${matching} of the ${keyword} schemas`);
  }
  return problems;
}
