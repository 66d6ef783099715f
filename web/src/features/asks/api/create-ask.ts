/** POST /api/v1/asks — record an ask by hand. */
import type { Ask, AskInput } from '../../../../../shared/asks';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function createAsk(input: AskInput): Promise<Ask> {
  const ask = await api<Ask>('/asks', { method: 'POST', body: input });
  invalidate('asks:');
  invalidate('demand:');
  return ask;
}
