import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenApiDocument } from '../../src/api/openapi/document.js';
import { openApiPath } from '../../src/api/openapi/document.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

/**
 * Validates bodies against the schemas *in the OpenAPI document* (not the zod schemas they were
 * generated from), so a test passes only if what is documented is what the API answers.
 */
export function documentValidator(doc: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc as object, 'openapi.json');
  return (method: string, url: string, status: number, body: unknown, contentType = 'application/json') => {
    const pointer = ['paths', openApiPath(url), method.toLowerCase(), 'responses', String(status)]
      .map((s) => s.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
    if (!op?.responses[String(status)]?.content?.[contentType])
      return [`${method} ${url} documents no ${status} ${contentType} response`];
    const validate = ajv.getSchema(
      `openapi.json#/${pointer}/content/${contentType.replace(/\//g, '~1')}/schema`,
    );
    if (!validate) return [`no schema at ${pointer}`];
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}
