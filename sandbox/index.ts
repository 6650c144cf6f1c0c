/**
 * The sandbox org's door: a local stand-in for a Salesforce org with Sales Territories
 * (sandbox/README.md). What the tests, the demo, the benchmarks and the n8n tooling use of it; its
 * public types are in types.ts, the seams between its own modules in contracts.ts.
 */
export { startSandbox } from './server';
export type { ApiUsage, Sandbox, SandboxCredentials, SandboxOptions } from './types';
export { FaultController } from './http/faults';
export type { FaultSettings, InjectedFaults } from './http/faults';
export { RequestLog } from './http/request-log';
export type { EndpointKind, RequestLogEntry, RequestLogListener } from './http/request-log';
export { OrgStore } from './store';
export { SalesforceError } from './contracts';
