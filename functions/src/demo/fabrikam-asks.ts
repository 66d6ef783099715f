/**
 * Fabrikam's customer asks for the demo: six months of requests from Support (shoppers, whose
 * requester ids are simulated users, so they join the event data) and Sales (partner brands with
 * accounts and ARR); most linked to epics, some waiting in the inbox, a few declined. Planted
 * effect: shoppers who asked for wardrobe sync adopt it far more than other users (the simulator
 * plays that out through `askers`).
 */
import type { AskInput } from '../../../shared/asks';
import { addDays } from '../../../shared/primitives';
import type { Roadmap } from '../../../shared/roadmap';
import { prng } from './simulate';

/** The epic whose requesters adopt far more, and how much. */
export const PLANTED_ASK_EFFECT = { epicId: 'wardrobe-sync', requesters: 60, adoption: 0.75 } as const;

/** Support phrasing per epic: what shoppers write. */
const SUPPORT: Record<string, string[]> = {
  'virtual-try-on': ['Can I see how a dress looks on me?', 'Try clothes on with my photo', 'I return too much because I cannot try things on'],
  'style-quiz': ['Help me find my style', 'The first screens should ask what I like'],
  'outfit-sharing': ['Let me share an outfit with a friend', 'Send my look to my sister before I buy'],
  'ai-stylist-chat': ['Can I ask someone what goes with these jeans?', 'Chat with a stylist in the app'],
  'one-tap-checkout': ['Checkout takes too many steps', 'Remember my card so I can buy faster'],
  'wardrobe-sync': ['Import the clothes I already own', 'Let me add my wardrobe so outfits use my clothes', 'Sync my closet from past orders'],
  'size-advisor': ['Which size should I order?', 'Sizes differ between brands, help me pick'],
  'price-drop-alerts': ['Tell me when this goes on sale', 'Price alert for my wishlist'],
  'visual-search': ['Search with a photo of a dress I saw', 'Find this look from a screenshot'],
  'apple-pay': ['Please add Apple Pay', 'Google Pay at checkout'],
  'loyalty-tiers': ['Rewards for frequent shoppers', 'Do I get points for buying?'],
  'saved-carts': ['My cart disappeared when I switched to my laptop', 'Keep my basket across devices'],
  'weekly-looks-email': ['Send me new looks every week', 'A weekly email with outfit ideas'],
  'occasion-planner': ['What should I wear to a wedding?', 'Plan outfits for my holiday'],
  'gift-cards': ['Can I buy a gift card for my mum?', 'Digital gift cards please'],
  'returns-self-serve': ['Returning an item is painful', 'Let me print a return label myself'],
};

/** Partner brands (Sales): accounts with ARR. */
const BRANDS = [
  { id: 'northwind', name: 'Northwind Apparel', plan: 'enterprise', arr: 240000 },
  { id: 'contoso', name: 'Contoso Fashion', plan: 'enterprise', arr: 180000 },
  { id: 'tailspin', name: 'Tailspin Outdoor', plan: 'growth', arr: 96000 },
  { id: 'wingtip', name: 'Wingtip Shoes', plan: 'growth', arr: 72000 },
  { id: 'litware', name: 'Litware Denim', plan: 'starter', arr: 36000 },
  { id: 'adventure-works', name: 'Adventure Works', plan: 'enterprise', arr: 310000 },
  { id: 'proseware', name: 'Proseware Knits', plan: 'starter', arr: 24000 },
  { id: 'woodgrove', name: 'Woodgrove Boutique', plan: 'growth', arr: 60000 },
];

const SALES: Record<string, string[]> = {
  'creator-storefronts': ['Our stylists want their own storefront in Fabrikam', 'Creator pages for brand ambassadors'],
  'visual-search': ['Shoppers should find our catalogue from a photo'],
  'gift-cards': ['Co-branded gift cards for the holidays', 'Gift cards redeemable on our collection'],
  'capsule-wardrobe': ['Capsule collections built from our catalogue'],
  'size-advisor': ['Fewer returns on our sizes: share fit data'],
  'returns-self-serve': ['Returns are our biggest cost: self-serve labels'],
  'saved-carts': ['Carts abandoned on mobile come back on desktop?'],
};

/** Asks nobody has triaged yet (no epic): the inbox. Suggestions should find the epic. */
const INBOX = [
  'Try-on for shoes too?',
  'Upload a photo of my closet',
  'Gift card for a birthday',
  'Alert me when my size is back',
  'Pay with my phone',
  'Outfit ideas for a job interview',
  'Can the app remember my sizes?',
  'Dark mode please',
];

const DECLINED: { title: string; reason: string }[] = [
  { title: 'Sell second-hand clothes in the app', reason: 'Resale is not in our strategy this year' },
  { title: 'Tailoring appointments in store', reason: 'We have no stores; partner brands handle alterations' },
  { title: 'Crypto payments', reason: 'Not enough demand and high compliance cost' },
];

export interface DemoAsks {
  asks: AskInput[];
  /** Segment `group` calls: which simulated users belong to which brand account */
  members: { userId: string; groupId: string }[];
  /** epic → simulated user ids of its requesters whose adoption the simulator plants */
  askers: Record<string, { users: string[]; adoption: number }>;
  /** asks to decline after they are stored */
  declined: { externalId: string; reason: string }[];
}

/** Deterministic demo asks over the six months before `today`, for `users` simulated users. */
export function fabrikamAsks(roadmap: Roadmap, today: string, users: number, seed = 13): DemoAsks {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd.next() * xs.length)];
  const userId = (i: number) => `user-${String(i + 1).padStart(5, '0')}`;
  const epics = new Map(roadmap.epics.map((e) => [e.id, e]));
  const start = addDays(today, -182);
  /** a day in [from, to) */
  const dayIn = (from: string, to: string) => {
    const span = Math.max(1, Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000));
    return addDays(from, Math.floor(rnd.next() * span));
  };
  /** asks come before an epic ships (that is why it was built), or any time for unshipped ones */
  const askedFor = (epicId: string) => {
    const shipped = epics.get(epicId)?.shippedAt;
    const end = shipped && shipped > start ? shipped : today;
    return dayIn(shipped && shipped <= start ? addDays(start, -60) : start, end);
  };
  const asks: AskInput[] = [];
  const askers: DemoAsks['askers'] = {};
  let n = 0;

  // Support: shoppers, ~10 per epic, more for the ones people wanted most
  for (const [epicId, titles] of Object.entries(SUPPORT)) {
    if (!epics.has(epicId)) continue;
    const planted = epicId === PLANTED_ASK_EFFECT.epicId;
    const count = planted ? PLANTED_ASK_EFFECT.requesters : 6 + Math.floor(rnd.next() * 10);
    const requesters = new Set<string>();
    while (requesters.size < Math.min(count, users)) requesters.add(userId(Math.floor(rnd.next() * users)));
    if (planted) askers[epicId] = { users: [...requesters], adoption: PLANTED_ASK_EFFECT.adoption };
    for (const requesterId of requesters) {
      const id = 10_000 + ++n;
      asks.push({ externalId: `zendesk-${id}`, source: 'support', title: pick(titles), requesterId, askedAt: askedFor(epicId), url: `https://fabrikam.zendesk.example/agent/tickets/${id}`, epicIds: [epicId] });
    }
  }
  // Sales: partner brands, several asks per account over time
  for (const [epicId, titles] of Object.entries(SALES)) {
    if (!epics.has(epicId)) continue;
    const brands = BRANDS.filter(() => rnd.next() < 0.6);
    for (const b of brands) {
      for (let k = 0; k < 1 + Math.floor(rnd.next() * 2); k++) {
        const id = 5_000 + ++n;
        asks.push({
          externalId: `sf-opp-${id}`,
          source: 'sales',
          title: pick(titles),
          text: `${b.name} (${b.plan}) raised this in their quarterly business review.`,
          account: b,
          askedAt: askedFor(epicId),
          url: `https://fabrikam.my.salesforce.example/lightning/r/Opportunity/${id}/view`,
          epicIds: [epicId],
        });
      }
    }
  }
  // the inbox: recent, untriaged
  for (const title of INBOX) {
    asks.push({ externalId: `zendesk-${20_000 + ++n}`, source: pick(['support', 'customer'] as const), title, requesterId: userId(Math.floor(rnd.next() * users)), askedAt: dayIn(addDays(today, -21), today) });
  }
  const declined: DemoAsks['declined'] = [];
  for (const d of DECLINED) {
    const externalId = `zendesk-${30_000 + ++n}`;
    asks.push({ externalId, source: 'customer', title: d.title, askedAt: dayIn(start, addDays(today, -30)) });
    declined.push({ externalId, reason: d.reason });
  }
  // brand members: a few simulated users belong to each brand (brand stylists using the app)
  const members = BRANDS.flatMap((b) => Array.from({ length: 3 + Math.floor(rnd.next() * 4) }, () => ({ userId: userId(Math.floor(rnd.next() * users)), groupId: b.id })));
  return { asks, members, askers, declined };
}
