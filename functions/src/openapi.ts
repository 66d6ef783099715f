/**
 * The OpenAPI 3.1 document, generated from the same zod schemas that validate requests
 * (every `endpoint()` registers itself). Only the API function and the local server load this
 * module: the ingest and worker functions stay free of the generator.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';

export interface OpenApiDocs {
  registry: OpenAPIRegistry;
  document(): unknown;
}

export function openApiDocs(): OpenApiDocs {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'a viewer, editor or admin token or dashboard session; or a person’s ID token (JWT) from the identity provider SEXTANT_OIDC_ISSUER' });
  registry.registerComponent('securitySchemes', 'writeKey', {
    type: 'http',
    scheme: 'basic',
    description: 'write key as the Basic-auth user (Segment), or Bearer, or `writeKey` in the body',
  });
  let cached: unknown;
  return {
    registry,
    document() {
      cached ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
        openapi: '3.1.0',
        info: { title: 'Sextant API', version: '1.0.0', description: 'Analytics-driven roadmap: ingest product events, measure shipped epics, plan the next iteration.' },
      });
      return cached;
    },
  };
}
