/**
 * Checks a JSON value against an OpenAPI 3.0 schema of relabel's document: types, required
 * properties, enums, nullability, and no properties the schema does not declare (unless it allows
 * additional ones). Returns the mismatches as "path: problem" lines (empty when it conforms).
 */
export interface SchemaDoc {
  components: { schemas: Record<string, Schema> };
}

export interface Schema {
  $ref?: string;
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}

export function conformance(doc: SchemaDoc, schema: Schema, value: unknown, path = '$'): string[] {
  if (schema.$ref) return conformance(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')], value, path);
  if (value === null) return schema.nullable || schema.type === undefined ? [] : [`${path}: null, not nullable`];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    const results = alternatives.map((s) => conformance(doc, s, value, path));
    return results.some((r) => r.length === 0)
      ? []
      : [`${path}: matches none of ${alternatives.length} alternatives (${results[0][0]})`];
  }
  if (schema.allOf) return schema.allOf.flatMap((s) => conformance(doc, s, value, path));
  if (schema.enum && !schema.enum.includes(value))
    return [`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`];
  switch (schema.type) {
    case undefined:
      return [];
    case 'string':
      return typeof value === 'string' ? [] : [`${path}: ${typeof value}, not string`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: ${typeof value}, not boolean`];
    case 'number':
      return typeof value === 'number' ? [] : [`${path}: ${typeof value}, not number`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${path}: ${JSON.stringify(value)}, not integer`];
    case 'array':
      if (!Array.isArray(value)) return [`${path}: ${typeof value}, not array`];
      return schema.items ? value.flatMap((v, i) => conformance(doc, schema.items!, v, `${path}[${i}]`)) : [];
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
      const record = value as Record<string, unknown>;
      const props = schema.properties ?? {};
      const problems = (schema.required ?? []).filter((k) => !(k in record)).map((k) => `${path}.${k}: required, missing`);
      for (const [k, v] of Object.entries(record)) {
        if (props[k]) problems.push(...conformance(doc, props[k], v, `${path}.${k}`));
        else if (schema.additionalProperties === undefined || schema.additionalProperties === false) {
          if (schema.properties) problems.push(`${path}.${k}: not in the schema`);
        } else if (typeof schema.additionalProperties === 'object') {
          problems.push(...conformance(doc, schema.additionalProperties, v, `${path}.${k}`));
        }
      }
      return problems;
    }
    default:
      return [`${path}: unknown schema type ${schema.type}`];
  }
}
