/**
 * @module validation
 * Route schemas are zod schemas: one definition validates the request, types the handler and, turned
 * into JSON Schema by `openapi.ts`, documents the route. This module is the glue Fastify needs for that
 * (a type provider and the validator and serializer compilers); it replaces the
 * `fastify-type-provider-zod` package in some forty lines.
 */
import type { FastifySchemaCompiler, FastifySerializerCompiler, FastifyTypeProvider } from 'fastify';
import type { z } from 'zod';

/** Types `request.body`, `request.query` and `request.params` from the route's zod schemas. */
export interface ZodTypeProvider extends FastifyTypeProvider {
  readonly validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  readonly serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

const documentationOnly = new WeakSet<z.ZodType>();
const components = new Map<z.ZodType, string>();

/**
 * A copy of `schema` that documents a request part without validating it: for bodies that a handler
 * parses itself (a network file in JSON or YAML, where the loader reports line and column).
 */
export function documentedOnly<T extends z.ZodType>(schema: T): T {
  const copy = schema.clone() as T;
  documentationOnly.add(copy);
  const name = components.get(schema);
  if (name !== undefined) components.set(copy, name);
  return copy;
}

/**
 * Registers `schema` as the named OpenAPI component: wherever it appears in a route schema, the
 * document refers to `#/components/schemas/<name>` instead of repeating it.
 */
export function component<T extends z.ZodType>(name: string, schema: T): T {
  components.set(schema, name);
  return schema;
}

/** The registered components, by schema. */
export function componentNames(): ReadonlyMap<z.ZodType, string> {
  return components;
}

/** Zod validation for every request part; issues become Fastify validation errors (→ `invalid-request`). */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data) => {
    if (documentationOnly.has(schema)) return { value: data };
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return {
      error: result.error.issues.map((issue) => ({
        instancePath: issue.path.length === 0 ? '' : `/${issue.path.map(String).join('/')}`,
        message: issue.message,
      })) as never,
    };
  };

/**
 * Responses are serialised with JSON.stringify: response schemas document the API (and tests check
 * responses against them), they do not filter fields at run time.
 */
export const serializerCompiler: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);
