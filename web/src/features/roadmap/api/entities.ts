/** The roadmap's entity collections and how their records, inputs and patches are typed (from the OpenAPI document). */
import type { EpicInput, Story as StoryInput } from '../../../../../shared/roadmap';
import type { paths } from '../../../api/schema';
import type { Epic, Milestone, RequestBody, Story, Theme } from '../../../api/types';

export interface EntityTypes {
  themes: { record: Theme; input: RequestBody<'/api/v1/themes', 'post'>; patch: RequestBody<'/api/v1/themes/{id}', 'patch'> };
  milestones: { record: Milestone; input: RequestBody<'/api/v1/milestones', 'post'>; patch: RequestBody<'/api/v1/milestones/{id}', 'patch'> };
  epics: { record: Epic; input: EpicInput; patch: RequestBody<'/api/v1/epics/{id}', 'patch'> };
  stories: { record: Story; input: import('zod').input<typeof StoryInput>; patch: RequestBody<'/api/v1/stories/{id}', 'patch'> };
}
export type Collection = keyof EntityTypes;

/** `/api/v1/themes` … (the paths of all four collections take the same parameters) */
export type CollectionPath = `/api/v1/${Collection}` & keyof paths;
export type EntityPath = `/api/v1/${Collection}/{id}` & keyof paths;
