import { resolvePointer } from './check-json-schema.js';

/**
 * Structural checks of an OpenAPI 3.1 document, short of a full validator: the fields an operation
 * needs, operationIds unique, path templates and path parameters agreeing, tags and security schemes
 * declared, and every $ref resolving. Returns the problems; empty when there are none.
 */
export function checkOpenApiDocument(document: unknown): string[] {
  const problems: string[] = [];
  const doc = document as Record<string, unknown>;
  if (typeof doc.openapi !== 'string' || !/^3\.1\.\d+$/.test(doc.openapi)) problems.push('openapi: expected 3.1.x');
  const info = doc.info as Record<string, unknown> | undefined;
  if (typeof info?.title !== 'string' || typeof info.version !== 'string') problems.push('info: title and version are required strings');
  const tags = new Set(((doc.tags ?? []) as { name: string }[]).map((tag) => tag.name));
  const components = (doc.components ?? {}) as Record<string, Record<string, unknown>>;
  const securitySchemes = new Set(Object.keys(components.securitySchemes ?? {}));
  const operationIds = new Set<string>();
  const paths = doc.paths;
  if (paths === null || typeof paths !== 'object') return [...problems, 'paths: missing'];

  for (const [path, item] of Object.entries(paths as Record<string, Record<string, Record<string, unknown>>>)) {
    if (!path.startsWith('/')) problems.push(`${path}: a path starts with /`);
    if (/[:*]/.test(path)) problems.push(`${path}: Fastify syntax in a path template`);
    const templated = new Set([...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`;
      if (!['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(method)) {
        problems.push(`${where}: not an HTTP method`);
        continue;
      }
      const id = operation.operationId;
      if (typeof id !== 'string' || id === '') problems.push(`${where}: no operationId`);
      else if (operationIds.has(id)) problems.push(`${where}: operationId ${id} is used twice`);
      else operationIds.add(id);
      if (typeof operation.summary !== 'string' || operation.summary === '') problems.push(`${where}: no summary`);
      for (const tag of (operation.tags ?? []) as string[]) if (!tags.has(tag)) problems.push(`${where}: tag ${tag} is not declared`);
      const responses = (operation.responses ?? {}) as Record<string, Record<string, unknown>>;
      if (!Object.keys(responses).some((status) => /^2\d\d$/.test(status))) problems.push(`${where}: no success response`);
      for (const [status, response] of Object.entries(responses)) {
        if (!/^([1-5]\d\d|default)$/.test(status)) problems.push(`${where}: response ${status} is not a status`);
        if (response.$ref === undefined && typeof response.description !== 'string') problems.push(`${where}: response ${status} has no description`);
      }
      const parameters = ((operation.parameters ?? []) as Record<string, unknown>[]).map((p) =>
        typeof p.$ref === 'string' ? (resolvePointer(document, p.$ref) as Record<string, unknown> | undefined) ?? {} : p,
      );
      const seen = new Set<string>();
      for (const parameter of parameters) {
        const key = `${String(parameter.in)} ${String(parameter.name)}`;
        if (seen.has(key)) problems.push(`${where}: parameter ${key} is declared twice`);
        seen.add(key);
        if (!['path', 'query', 'header', 'cookie'].includes(String(parameter.in))) problems.push(`${where}: parameter ${key} has no location`);
        if (parameter.schema === undefined) problems.push(`${where}: parameter ${key} has no schema`);
        if (parameter.in === 'path' && !templated.has(String(parameter.name))) problems.push(`${where}: path parameter ${String(parameter.name)} is not in the path`);
        if (parameter.in === 'path' && parameter.required !== true) problems.push(`${where}: path parameter ${String(parameter.name)} must be required`);
      }
      for (const name of templated) if (!seen.has(`path ${name}`)) problems.push(`${where}: {${name}} has no path parameter`);
      for (const requirement of (operation.security ?? []) as Record<string, unknown>[]) {
        for (const scheme of Object.keys(requirement)) if (!securitySchemes.has(scheme)) problems.push(`${where}: security scheme ${scheme} is not declared`);
      }
    }
  }
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) visit(item, `${at}[${i}]`);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && (typeof value !== 'string' || resolvePointer(document, value) === undefined)) problems.push(`${at}: $ref ${String(value)} resolves to nothing`);
        else visit(value, `${at}.${key}`);
      }
    }
  };
  visit(document, '$');
  return problems;
}
