/**
 * A Wise endpoint as the audit's metrics name it. Ids never become metric labels: a path without
 * its template gets {id} for each id segment.
 */
export function endpointTemplate(path: string): string {
  return path
    .split('?')[0]
    .replace(/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=\/|$)/gi, '/{id}')
    .replace(/\/\d+(?=\/|$)/g, '/{id}');
}
