/** The roadmap's entity collections and how their ids and inputs are typed. */
import type { z } from 'zod';
import type { Epic, EpicInput, Milestone, Story, Theme } from '../../../../../shared/roadmap';

export interface EntityTypes {
  themes: { record: Theme; input: Theme };
  milestones: { record: Milestone; input: Milestone };
  epics: { record: Epic; input: EpicInput };
  stories: { record: Story; input: z.input<typeof Story> };
}
export type Collection = keyof EntityTypes;
