/** What a failing web server answers in place of the system's own protocol (the 5xx faults). */
import { makeReply, withRetryAfter, type Reply } from './reply.js';

/** What an nginx gateway in front of the system answers when the system behind it fails. */
export function gatewayPage(status: 500 | 503, retryAfterSec?: number): Reply {
  const title = status === 500 ? '500 Internal Server Error' : '503 Service Temporarily Unavailable';
  const html = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
  const page = makeReply(status, 'text/html', html);
  return retryAfterSec === undefined ? page : withRetryAfter(page, retryAfterSec);
}

/** The application server's own crash page. */
export function internalErrorPage(): Reply {
  return makeReply(500, 'text/html; charset=utf-8', INTERNAL_ERROR_HTML);
}

/** The application server's plain-text maintenance answer. */
export function unavailablePage(retryAfterSec: number): Reply {
  return withRetryAfter(
    makeReply(503, 'text/plain; charset=utf-8', 'Service Temporarily Unavailable'),
    retryAfterSec,
  );
}

const INTERNAL_ERROR_HTML =
  '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n' +
  '<body><h1>500 Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n';
