/**
 * A compact farm-to-shelf chain for tests that need one in place (recalls,
 * replay): the farm lot DC-001 (500 kg) passes inspection and goes to the
 * processor, who makes fillets FIL-A (70 kg) and FIL-B (60 kg) from 300 kg;
 * FIL-A reaches the supermarket (which sells 2 kg), FIL-B is still on the road.
 */
import { createBody, DAY, HOUR, MIN, output, passBody, readings, type Chain } from './helpers.js';
import { accepted } from '../helpers/outcomes.js';

export const FARM_LOT = 'DC-001';
export const FIL_A = 'FIL-A';
export const FIL_B = 'FIL-B';

export const farmToShelf = async (c: Chain): Promise<void> => {
  const { f, farm, inspector, processor, carrier, market } = c;
  await accepted(f.post(farm, 'lot.create', createBody(FARM_LOT, 500, { expiresAt: new Date(f.clock.ms + 7 * DAY).toISOString() })));
  await accepted(f.post(inspector, 'lot.inspect', passBody(FARM_LOT)));
  await accepted(f.post(farm, 'lot.ship', { shipment: 'SH-1', code: FARM_LOT, amount: 500, to: processor.id, carrier: carrier.id }));
  f.clock.advance(HOUR);
  await accepted(
    f.post(carrier, 'lot.temperature', { shipment: 'SH-1', readings: readings(f.clock.ms - HOUR, 5 * MIN, Array(12).fill(2.5)) }),
  );
  await accepted(f.post(processor, 'lot.receive', { shipment: 'SH-1', amount: 500 }));
  await accepted(
    f.post(processor, 'lot.transform', { inputs: [{ code: FARM_LOT, amount: 300 }], outputs: [output(FIL_A, 70), output(FIL_B, 60)] }),
  );
  await accepted(f.post(processor, 'lot.ship', { shipment: 'SH-2', code: FIL_A, amount: 70, to: market.id, carrier: carrier.id }));
  await accepted(f.post(processor, 'lot.ship', { shipment: 'SH-3', code: FIL_B, amount: 25, to: market.id, carrier: carrier.id }));
  f.clock.advance(HOUR);
  await accepted(f.post(market, 'lot.receive', { shipment: 'SH-2', amount: 70 }));
  await accepted(f.post(market, 'lot.sell', { code: FIL_A, amount: 2 }));
};
