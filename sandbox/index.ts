/** The sandbox org: a local stand-in for a Salesforce org with Sales Territories. See sandbox/README.md. */
export { startSandbox } from './server';
export type { ApiUsage, Sandbox, SandboxCredentials, SandboxOptions } from './server';
export { FaultController } from './http/faults';
export type { FaultSettings, InjectedFaults } from './http/faults';
export { RequestLog } from './http/request-log';
export type { EndpointKind, RequestLogEntry, RequestLogListener } from './http/request-log';
export { OrgStore } from './store';
export { SalesforceError } from './contracts';
