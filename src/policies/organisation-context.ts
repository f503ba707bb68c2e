/**
 * What a policy needs to know about the organisation a resource belongs to: its code, the ICBs it
 * sits in (under either mapping, ODS or NHS England's) and its region. Loaded by the use case.
 */
export interface OrganisationContext {
  readonly code: string;
  readonly icbCodes: readonly string[];
  readonly regionCodes: readonly string[];
}
