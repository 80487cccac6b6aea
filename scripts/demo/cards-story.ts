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
 */
import { createHash } from 'node:crypto';
import type { SigningKey } from '../../ledger/index.js';
import type { Poster } from './poster.js';

export interface CardsStory {
  merchants: { gym: string; school: string; salon: string; tea: string };
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

  const issue = (m: SigningKey, id: string, amount: number): Card => {
    const holder = p.key(`card:${id}`);
    p.post(m, 'card.issue', {
      card: id,
      kind: 'named',
      amount,
      holderKey: holder.publicKey,
      holderRef: holderRef(id),
      payment: 'mobile',
      purchaser: 'person',
    });
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
  const gymCards = [];
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

  // Days 3–5: a gym member changes her mind within the 7-day cooling-off period.
  await p.at(3, 10);
  const request = asHolder(gymCards[5], 'card.refundRequest', { card: gymCards[5].id, amount: 150_000, reason: 'coolingOff' });
  await p.at(4, 11);
  p.post(gym, 'card.refund', { card: gymCards[5].id, amount: 150_000, request: request.id });
  await p.at(5, 10);
  release(gym, 30_000, 'refund', 'HZB-REL-GYM-001');

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
    summary: '12315 热线转办：多名家长反映停课后无法办理退费。',
  });
  p.post(reg, 'complaint.file', {
    complaint: 'CMP-12315-0003',
    merchant: salon.id,
    category: 'service',
    summary: '12315 热线转办：烫染效果与承诺不符，协商未果。',
  });
  await p.at(32, 14);
  p.post(reg, 'merchant.dispose', { merchant: school.id, action: 'warn', reason: '预收资金存管比例低于 30% 要求，责令 3 日内补足。' });
  await p.at(33, 15);
  p.post(reg, 'merchant.dispose', {
    merchant: school.id,
    action: 'suspendIssuing',
    reason: '存管资金仍未补足且出现停业投诉，暂停发行预付卡。',
  });

  return { merchants: { gym: gym.id, school: school.id, salon: salon.id, tea: tea.id } };
};
