/** Every food-traceability event type (SPEC §7), in the order the SPEC lists them. */
import type { EventType } from '../../domain/plugin.js';
import { lotCreateEvent } from './create.js';
import { lotInspectEvent } from './inspect.js';
import { lotRecallEvent } from './recall.js';
import { lotTemperatureEvent } from './readings.js';
import { lotDisposeEvent, lotSellEvent } from './sale.js';
import { lotReceiveEvent, lotShipEvent } from './shipment.js';
import { lotTransformEvent } from './transform.js';

export const traceEvents: EventType[] = [
  lotCreateEvent,
  lotInspectEvent,
  lotTransformEvent,
  lotShipEvent,
  lotReceiveEvent,
  lotTemperatureEvent,
  lotSellEvent,
  lotRecallEvent,
  lotDisposeEvent,
];
