/** POST /api/v1/asks — record an ask by hand. */
import { keys } from '../../../api/keys';
import { invalidate } from '../../../api/query-client';
import type { Ask, AskInput } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function createAsk(input: AskInput): Promise<Ask> {
  const ask = await call(api.POST('/api/v1/asks', { body: input }));
  await invalidate(keys.asks.all, keys.demand.all);
  return ask;
}
