/** GET /api/v1/calibration — predicted vs measured adoption of shipped epics, and a factor per theme. */
import type { Calibration } from '../../../../../shared/calibration';
import { api } from '../../../lib/api-client';
import { useQuery } from '../../../lib/query';

export function getCalibration(signal?: AbortSignal): Promise<Calibration> {
  return api<Calibration>('/calibration', { signal });
}

export function useCalibration() {
  return useQuery('calibration', getCalibration);
}
