/** Plan vs org: the change set (diff), its human view (describe), and the way back (export). */
export * from './types';
export { diff, quote } from './diff';
export { describeChange, describeChangeSet } from './describe';
export { exportPlan, exportPlanDetailed } from './export';
export { PHASE } from './phases';
export { planIssuesForDiff, reconcileIssues } from './reconcile';
export { sameMeaning } from './rule-compare';
