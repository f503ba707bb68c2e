export * from './actor.ts';
export * from './annotation.ts';
export * from './audit.ts';
export * from './import.ts';
export * from './narrative.ts';
export type { OrganisationContext } from './organisation-context.ts';
export * from './scope.ts';
