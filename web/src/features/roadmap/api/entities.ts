/** The roadmap's entity collections and how their ids and inputs are typed. */
import type { Epic, EpicInput, Milestone, Story, Theme } from '../../../../../shared/roadmap';

export interface EntityTypes {
  themes: { record: Theme; input: Theme };
  milestones: { record: Milestone; input: Milestone };
  epics: { record: Epic; input: EpicInput };
  stories: { record: Story; input: Omit<Story, 'status'> & { status?: Story['status'] } };
}
export type Collection = keyof EntityTypes;

export const LABELS: Record<Collection, string> = { themes: 'theme', milestones: 'milestone', epics: 'epic', stories: 'story' };
