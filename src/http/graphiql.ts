import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

const DEFAULT_QUERY = `# Welcome to the Wise Platform gateway.
# The Authorization header (see Headers below) identifies the bank customer.
query Viewer {
  viewer {
    id
    email
    givenName
    familyName
  }
}
`;

/**
 * GraphiQL as one self-contained page (scripts and workers inlined, nothing fetched from a
 * CDN), pointed at /graphql for queries and the WebSocket on the same path for subscriptions.
 */
export function graphiqlPage(authorization: string): string {
  return renderGraphiQL({
    title: 'Wise Platform gateway — GraphiQL',
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    defaultQuery: DEFAULT_QUERY,
    headers: JSON.stringify({ Authorization: authorization }, null, 2),
    shouldPersistHeaders: false,
  });
}
