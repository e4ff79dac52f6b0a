/**
 * DNS rebinding. A web page on an attacker's domain can make a browser send requests to a
 * server on localhost or in a private network, by pointing its own name at that address. The
 * request then carries the attacker's Origin, and the attacker's host name as Host; a server
 * that checks neither serves it. The spec: an invalid Origin gets 403.
 */
import { Findings } from '../findings.js';
import { describeReply } from '../http.js';
import type { Check } from './check.js';
import { FOREIGN_ORIGIN } from './cors.js';

const FOREIGN_HOST = 'readiness-rebinding.invalid';
/** A refused foreign Host: 403, or what a proxy in front answers for a name it does not serve. */
const HOST_REFUSALS = [400, 403, 404, 421];

export const originHost: Check = {
  id: 'origin-host',
  title: 'a foreign Origin or Host header is refused (DNS-rebinding protection)',
  async run(context) {
    const findings = new Findings();
    const { url } = context.options;
    // A server that authenticates first answers 401 to anyone without credentials: that
    // hides whether it would have refused the Origin or Host.
    let hidden = false;

    const origin = await context.post(context.baseline(), { headers: { origin: FOREIGN_ORIGIN } });
    if (origin.status === 403) findings.ok('a request with a foreign Origin gets 403');
    else if (origin.status === 401 && context.profile.unauthorized) hidden = true;
    else
      findings.fail(
        `a request with Origin: ${FOREIGN_ORIGIN} should get 403, got ${describeReply(origin)}`,
      );

    // fetch cannot forge Host; node:http sends what it is given (TLS keeps the real name).
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const forged = `${FOREIGN_HOST}:${port}`;
    const host = await context.post(context.baseline(), { headers: { host: forged } });
    if (HOST_REFUSALS.includes(host.status))
      findings.ok(`a request with a foreign Host is refused (HTTP ${host.status})`);
    else if (host.status === 401 && context.profile.unauthorized) hidden = true;
    else
      findings.fail(
        `a request with Host: ${forged} should be refused (403), got ${describeReply(host)}`,
      );

    if (hidden) context.authorized(findings);
    return findings.outcome();
  },
};
