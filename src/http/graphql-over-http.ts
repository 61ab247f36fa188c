/**
 * GraphQL over HTTP (the GraphQL-over-HTTP spec, checked by graphql-http's audits in
 * test/graphql-over-http.test.ts):
 *
 * - Queries work over GET as well as POST (urql and Relay send queries as GET by default);
 *   mutations over GET are refused with 405 (Apollo).
 * - A request the client sent with `Accept: application/json` (the legacy media type) whose
 *   document does not parse, does not validate or whose variables do not coerce gets 200 with the
 *   errors, as the spec says for that media type; with `application/graphql-response+json` it
 *   gets 400. The gateway's own refusals (limits, authentication, rate limits) keep their status.
 *
 * CSRF: Apollo's CSRF prevention is off. It exists for servers that authenticate by cookie, where
 * a browser on another site can make a "simple" request that carries the cookie. This gateway
 * authenticates every GraphQL request with an `Authorization: Bearer` header and never reads a
 * cookie; a cross-site page cannot set that header without a CORS preflight, which only the
 * bank's own origins pass (cors.ts). A request without the header is refused with 401 before
 * GraphQL runs, so a forged GET or form post does nothing.
 */
import type { ApolloServerPlugin } from '@apollo/server';

const SPEC_200_FOR_JSON = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

export function graphqlOverHttpStatus<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart({ request }) {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single' || response.http.status !== 400) return;
          if (answeredAs(request.http?.headers.get('accept')) !== 'application/json') return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          if (errors.every((e) => SPEC_200_FOR_JSON.has(String(e.extensions?.code)))) response.http.status = 200;
        },
      };
    },
  };
}

/**
 * The media type Apollo answers with for this Accept header: the one with the higher quality of
 * application/json and application/graphql-response+json, application/json on a tie or when
 * neither is named (a missing header, or a wildcard).
 */
export function answeredAs(accept: string | null | undefined): 'application/json' | 'application/graphql-response+json' {
  if (!accept) return 'application/json';
  const quality = (type: string) =>
    Math.max(
      -1,
      ...accept.split(',').map((part) => {
        const [range, ...params] = part.trim().split(';').map((p) => p.trim().toLowerCase());
        const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
        const matches = range === type || range === '*/*' || range === `${type.split('/')[0]}/*`;
        // An exact match outranks a wildcard of the same quality.
        return matches ? q + (range === type ? 0.0001 : 0) : -1;
      }),
    );
  return quality('application/graphql-response+json') > quality('application/json') ? 'application/graphql-response+json' : 'application/json';
}
