/**
 * gzip for answers worth it (above 1 KB: transfer pages, recipient forms). Answers that come
 * compressed already (GraphiQL's page, compressed once) are left alone by `compression`.
 */
import compression from 'compression';

export function compressResponses() {
  return compression({ threshold: 1024 });
}
