/** PUT /api/v1/roadmap — import (replace) the whole document; an invalid one changes nothing. */
import type { Roadmap } from '../../../../../shared/roadmap';
import { api } from '../../../lib/api-client';
import { invalidate } from '../../../lib/query';

export async function importRoadmap(doc: unknown): Promise<Roadmap> {
  const stored = await api<Roadmap>('/roadmap', { method: 'PUT', body: doc });
  invalidate('roadmap');
  invalidate('impact');
  invalidate('outcome:');
  return stored;
}
