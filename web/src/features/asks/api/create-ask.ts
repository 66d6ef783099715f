/** POST /api/v1/asks — record an ask by hand. */
import { keys } from '../../../api/keys';
import { queryClient } from '../../../api/query-client';
import type { Ask, AskInput } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export async function createAsk(input: AskInput): Promise<Ask> {
  const ask = await call(api.POST('/api/v1/asks', { body: input }));
  void queryClient.invalidateQueries({ queryKey: keys.asks.all });
  void queryClient.invalidateQueries({ queryKey: keys.demand.all });
  return ask;
}
