/** GET /api/v1/calibration — predicted vs measured adoption of shipped epics, and a factor per theme. */
import { useQuery } from '@tanstack/react-query';
import { keys } from '../../../api/keys';
import type { Calibration } from '../../../api/types';
import { api, call } from '../../../lib/api-client';

export function getCalibration(signal?: AbortSignal): Promise<Calibration> {
  return call(api.GET('/api/v1/calibration', { signal }));
}

export function useCalibration() {
  return useQuery({ queryKey: keys.calibration, queryFn: ({ signal }) => getCalibration(signal) });
}
