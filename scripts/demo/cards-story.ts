/**
 * Prepaid cards in 杭州, over five weeks (days 0–33 of the story):
 *
 *   西湖力健健身   scale (20 %)   well run: custody above requirement, a cooling-off
 *                                refund, a complaint mediated and closed
 *   启明星少儿英语 group (30 %)   custody far short, the school stops classes: a
 *                                closure complaint, a refund request left unanswered,
 *                                a warning, then its card sales are suspended
 *   发现美美发沙龙 brand (40 %)   custody a little short and a service complaint that
 *                                has been open for more than a week
 *   湖畔茶社       full (安心付)  every prepayment in custody, released per consumption
 *   悦颜美容会所   scale (20 %)   closed by the regulator on day 20; the bank pays the
 *                                holders out of custody and the insurer the rest, to the
 *                                last fen (SPEC §14 closure claims)
 *
 * Every keyed card is issued with its holder's co-signature (holder consent,
 * SPEC §14); one gym card changes hands, the salon brings an old card onto the
 * platform and answers a 12315 complaint, and the regulator publishes ratings.
 */
import { createHash } from 'node:crypto';
import type { SigningKey } from '../../ledger/index.js';
import type { Poster } from './poster.js';

export interface CardsStory {
  merchants: { gym: string; school: string; salon: string; tea: string };
  /** The merchant closed and paid out in full. */
  closed: string;
}

/** hex SHA-256 of a salted identity: a named card's holderRef (the identity stays off the ledger). */
const holderRef = (who: string) => createHash('sha256').update(`anxin-demo-salt:${who}`).digest('hex');

interface Card {
  id: string;
  holder: SigningKey;
}

export const cardsStory = async (p: Poster): Promise<CardsStory> => {
  const reg = p.regulator;
  const region = '浙江省杭州市';
  const bank = p.register('bank-hz-01', 'custodian', '杭州银行西湖支行（预付资金存管）', { region });
  const insurer = p.register('insurer-picc-hz', 'insurer', '中国人保财险杭州分公司', { region });
  const merchant = (id: string, name: string, tier: string, creditCode: string, district: string) =>
    p.register(id, 'merchant', name, {
      creditCode,
      region: `${region}${district}`,
      merchant: { tier, custodian: bank.id, insurer: insurer.id },
    });
  const gym = merchant('m-hz-gym-01', '西湖力健健身（文三路店）', 'scale', '91330106MA2H1GYM01', '西湖区');
  const school = merchant('m-hz-edu-02', '启明星少儿英语（滨江校区）', 'group', '91330108MA2H2EDU02', '滨江区');
  const salon = merchant('m-hz-salon-03', '发现美美发沙龙', 'brand', '91330102MA2H3SAL03', '上城区');
  const tea = merchant('m-hz-tea-04', '湖畔茶社（安心付）', 'full', '91330105MA2H4TEA04', '拱墅区');
  const spa = merchant('m-hz-spa-05', '悦颜美容会所', 'scale', '91330110MA2H5SPA05', '余杭区');

  const issue = (m: SigningKey, id: string, amount: number): Card => {
    const holder = p.key(`card:${id}`);
    p.post(
      m,
      'card.issue',
      {
        card: id,
        kind: 'named',
        amount,
        holderKey: holder.publicKey,
        holderRef: holderRef(id),
        payment: 'mobile',
        purchaser: 'person',
      },
      { holder },
    );
    return { id, holder };
  };
  const consume = (m: SigningKey, c: Card, amount: number, order: string) =>
    p.post(m, 'card.consume', { card: c.id, amount, order }, { holder: c.holder });
  const asHolder = (c: Card, type: string, body: unknown) => p.post(c.holder, type, body, { actor: `card:${c.id}` });
  const deposit = (m: SigningKey, amount: number, ref: string) => p.post(bank, 'custody.deposit', { merchant: m.id, amount, ref });
  const release = (m: SigningKey, amount: number, purpose: string, ref: string) =>
    p.post(bank, 'custody.release', { merchant: m.id, amount, purpose, ref });

  // Day 1: cards sold, prepayments deposited in custody.
  await p.at(1, 9);
  const gymCards: Card[] = [];
  for (const [i, amount] of [300_000, 250_000, 200_000, 200_000, 300_000, 150_000].entries())
    gymCards.push(issue(gym, `GYM-${String(i + 1).padStart(4, '0')}`, amount));
  deposit(gym, 320_000, 'HZB-DEP-GYM-001');
  const schoolCards = [];
  for (let i = 1; i <= 5; i++) schoolCards.push(issue(school, `EDU-${String(i).padStart(4, '0')}`, 480_000));
  deposit(school, 400_000, 'HZB-DEP-EDU-001');
  const salonCards = [];
  for (let i = 1; i <= 4; i++) salonCards.push(issue(salon, `SAL-${String(i).padStart(4, '0')}`, 200_000));
  deposit(salon, 280_000, 'HZB-DEP-SAL-001');
  const teaCards = [];
  for (let i = 1; i <= 3; i++) teaCards.push(issue(tea, `TEA-${String(i).padStart(4, '0')}`, 100_000));
  deposit(tea, 300_000, 'HZB-DEP-TEA-001');
  const spaCards = [issue(spa, 'SPA-0001', 200_000), issue(spa, 'SPA-0002', 150_000), issue(spa, 'SPA-0003', 100_000)];
  deposit(spa, 90_000, 'HZB-DEP-SPA-001');

  // Day 2: the salon brings a card it sold half a year before joining (within its 30-day import window).
  await p.at(2, 11);
  const oldHolder = p.key('card:SAL-OLD-0001');
  p.post(
    salon,
    'card.import',
    {
      card: 'SAL-OLD-0001',
      kind: 'named',
      balance: 68_000,
      issuedAt: p.iso(-180 * 24 * 3600_000),
      holderKey: oldHolder.publicKey,
      holderRef: holderRef('SAL-OLD-0001'),
      payment: 'cash',
      purchaser: 'person',
    },
    { holder: oldHolder },
  );

  // Days 3–5: a gym member changes her mind within the 7-day cooling-off period.
  await p.at(3, 10);
  const request = asHolder(gymCards[5], 'card.refundRequest', { card: gymCards[5].id, amount: 150_000, reason: 'coolingOff' });
  await p.at(4, 11);
  p.post(gym, 'card.refund', { card: gymCards[5].id, amount: 150_000, request: request.id });
  await p.at(5, 10);
  release(gym, 30_000, 'refund', 'HZB-REL-GYM-001');

  // The spa (days 8–24): used, then closed; its holders are paid out of custody and by the insurer.
  const spaUse = async () => {
    await p.at(8, 14);
    consume(spa, spaCards[0], 30_000, 'SPA-ORD-01');
  };
  // Day 12: a gym member gives her card to her sister: the new key co-signs the transfer.
  const gymTransfer = async () => {
    await p.at(12, 20);
    const sister = p.key(`card:${gymCards[3].id}`);
    p.post(
      gymCards[3].holder,
      'card.transfer',
      { card: gymCards[3].id, newHolderKey: sister.publicKey, newHolderRef: holderRef('sister') },
      { actor: `card:${gymCards[3].id}`, newHolder: sister },
    );
    gymCards[3].holder = sister;
  };
  const spaClose = async () => {
    await p.at(20, 9);
    asHolder(spaCards[1], 'complaint.file', {
      complaint: 'CMP-SPA-0001',
      merchant: spa.id,
      card: spaCards[1].id,
      category: 'closure',
      summary: '会所人去楼空，剩余次卡无法使用。',
    });
    p.post(reg, 'merchant.dispose', { merchant: spa.id, action: 'close', reason: '经营者失联，门店关闭，依法予以关闭处置。' });
    // Claims: 170000 + 150000 + 100000 = 420000 fen; custody 90000 fen.
    await p.at(20, 15);
    p.post(bank, 'custody.payout', { merchant: spa.id, card: spaCards[0].id, amount: 40_000, ref: 'HZB-PAY-SPA-001' });
    p.post(bank, 'custody.payout', { merchant: spa.id, card: spaCards[1].id, amount: 30_000, ref: 'HZB-PAY-SPA-002' });
    p.post(bank, 'custody.payout', { merchant: spa.id, card: spaCards[2].id, amount: 20_000, ref: 'HZB-PAY-SPA-003' });
  };
  const spaInsure = async () => {
    await p.at(24, 15);
    for (const [c, amount] of [
      [spaCards[0], 130_000],
      [spaCards[1], 120_000],
      [spaCards[2], 80_000],
    ] as const)
      p.post(insurer, 'insurance.compensate', { merchant: spa.id, card: c.id, amount });
    p.post(reg, 'complaint.resolve', { complaint: 'CMP-SPA-0001', outcome: 'upheld', refund: 150_000 });
  };

  // Weeks 1–4: consumption; in week 2 a gym complaint, mediated within three days.
  for (let week = 0; week < 4; week++) {
    await p.at(7 + week * 7, 19);
    consume(gym, gymCards[week], 20_000, `GYM-ORD-${week}1`);
    consume(gym, gymCards[week + 1], 20_000, `GYM-ORD-${week}2`);
    for (const c of schoolCards.slice(0, 3)) consume(school, c, week < 2 ? 30_000 : 10_000, `EDU-ORD-${week}-${c.id}`);
    consume(salon, salonCards[week], 15_000, `SAL-ORD-${week}`);
    consume(tea, teaCards[week % 3], 8_000, `TEA-ORD-${week}`);
    if (week === 1) {
      await p.at(16, 15);
      asHolder(gymCards[1], 'complaint.file', {
        complaint: 'CMP-GYM-0001',
        merchant: gym.id,
        card: gymCards[1].id,
        category: 'service',
        summary: '私教课程频繁改期，与售卡时承诺不符。',
      });
      await p.at(19, 16);
      p.post(gym, 'complaint.resolve', { complaint: 'CMP-GYM-0001', outcome: 'mediated' });
    }
    if (week === 0) {
      await spaUse();
      await gymTransfer();
    }
    if (week === 1) await spaClose();
    if (week === 2) await spaInsure();
  }
  await p.at(29, 10);
  release(gym, 40_000, 'consumption', 'HZB-REL-GYM-002');
  release(tea, 32_000, 'consumption', 'HZB-REL-TEA-001');

  // Days 30–33: the school stops classes.
  await p.at(30, 9);
  asHolder(schoolCards[0], 'complaint.file', {
    complaint: 'CMP-EDU-0001',
    merchant: school.id,
    card: schoolCards[0].id,
    category: 'closure',
    summary: '校区突然停课，门店关闭，电话无人接听，剩余课时无法使用。',
  });
  const balance = 480_000 - 2 * 30_000 - 2 * 10_000;
  asHolder(schoolCards[1], 'card.refundRequest', { card: schoolCards[1].id, amount: balance, reason: 'closure' });
  await p.at(31, 10);
  p.post(reg, 'complaint.file', {
    complaint: 'CMP-12315-0002',
    merchant: school.id,
    category: 'refund',
    ref12315: '3301002026000217',
    summary: '12315 热线转办：多名家长反映停课后无法办理退费。',
  });
  p.post(reg, 'complaint.file', {
    complaint: 'CMP-12315-0003',
    merchant: salon.id,
    category: 'service',
    ref12315: '3301002026000233',
    summary: '12315 热线转办：烫染效果与承诺不符，协商未果。',
  });
  await p.at(31, 17);
  p.post(salon, 'complaint.respond', { complaint: 'CMP-12315-0003', response: '已致电顾客，约定本周免费重做并赠送护理一次。' });
  await p.at(32, 14);
  p.post(reg, 'merchant.dispose', { merchant: school.id, action: 'warn', reason: '预收资金存管比例低于 30% 要求，责令 3 日内补足。' });
  await p.at(33, 15);
  p.post(reg, 'merchant.dispose', {
    merchant: school.id,
    action: 'suspendIssuing',
    reason: '存管资金仍未补足且出现停业投诉，暂停发行预付卡。',
  });

  // Day 33: the month's ratings, signed by the regulator.
  await p.at(33, 17);
  p.post(reg, 'rating.publish', {
    period: p.iso().slice(0, 7),
    ratings: [
      { merchant: gym.id, score: 92, stars: 5 },
      { merchant: school.id, score: 31, stars: 1 },
      { merchant: salon.id, score: 71, stars: 3 },
      { merchant: tea.id, score: 90, stars: 5 },
      { merchant: spa.id, score: 20, stars: 1 },
    ],
  });

  return { merchants: { gym: gym.id, school: school.id, salon: salon.id, tea: tea.id }, closed: spa.id };
};
