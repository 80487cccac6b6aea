/**
 * The anomaly observer's event union (src/regulator/anomalies/events.ts) is
 * inferred from CARD_EVENT_BODIES and TRACE_EVENT_BODIES; it is sound only if
 * those are exactly the schemas the card and food rules register.
 */
import { CARD_EVENT_BODIES } from '../../schemas/cards.js';
import { TRACE_EVENT_BODIES } from '../../schemas/trace.js';
import { cardsDomain } from '../../src/cards/index.js';
import { traceDomain } from '../../src/trace/index.js';
import type { DomainPlugin } from '../../src/domain/plugin.js';

const registered = (domain: DomainPlugin) => Object.fromEntries((domain.events ?? []).map((t) => [t.type, t.body]));

describe('the body schemas the anomaly union is inferred from', () => {
  test.each([
    ['cards', cardsDomain, CARD_EVENT_BODIES],
    ['trace', traceDomain, TRACE_EVENT_BODIES],
  ] as const)(
    'when the %s plug-in registers its event types, then each has exactly the listed schema, and none is missing',
    (_name, domain, bodies) => {
      const mine = registered(domain);
      expect(Object.keys(mine).sort()).toEqual(Object.keys(bodies).sort());
      for (const [type, schema] of Object.entries(bodies)) expect([type, mine[type] === schema]).toEqual([type, true]);
    },
  );
});
