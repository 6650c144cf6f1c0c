import { diff } from '../../lib/sync';
import type { Change, ChangeSet } from '../../lib/sync';
import { PLAN_COLUMNS } from '../../lib/plan/types';
import type { PlanColumn } from '../../lib/plan/types';
import { baseOrg, emptySnapshot, makePlan, options, OrgBuilder, pt } from './fixtures';
import { applyInSandbox } from '../helpers/sandbox-snapshot';

const ids = (cs: ChangeSet): string[] => cs.changes.map((c) => c.id);
const codes = (cs: ChangeSet): string[] => cs.issues.map((i) => i.code);
const byId = (cs: ChangeSet, id: string): Change => {
	const c = cs.changes.find((x) => x.id === id);
	if (!c) throw new Error(`no change ${id} in ${ids(cs).join(', ')}`);
	return c;
};
const without = (...cols: PlanColumn[]): PlanColumn[] => PLAN_COLUMNS.filter((c) => !cols.includes(c));

/** West (Region) > Bay_Area, Nevada: users, a forecast manager, postal codes. */
function westPlan() {
	return makePlan([
		pt('West', { type: 'Region', description: 'Western region', users: [{ ref: 'ana@acme.example', role: 'Owner' }], forecastManager: 'ana@acme.example' }),
		pt('Bay_Area', {
			name: 'Bay Area',
			parentKey: 'West',
			postalCodes: ['940*', '941*', '94501'],
			users: [
				{ ref: 'ben@acme.example', role: 'Sales Rep' },
				{ ref: 'cy@acme.example', role: null },
			],
		}),
		pt('Nevada', { parentKey: 'West', postalCodes: ['889*', '890*'], criteria: [{ field: 'Industry', operation: 'equals', values: ['Tech', 'Retail'] }], users: [{ ref: 'dee@acme.example', role: 'Sales Rep' }] }),
	]);
}

describe('diff: publishing into an empty model', () => {
	it('creates types-less model, territories parents first, rules with the filter set after the items, users before the forecast manager', () => {
		const org = baseOrg();
		org.s.model = null;
		org.s.models = [];
		const cs = diff(westPlan(), org.s, options({ modelName: 'FY 2026' }));
		expect(cs.issues).toEqual([]);
		expect(cs.modelId).toBeNull();
		const model = byId(cs, 'Territory2Model:FY26');
		expect(model.fields).toEqual({ Name: 'FY 2026', DeveloperName: 'FY26' });
		const west = byId(cs, 'Territory2:West');
		const bay = byId(cs, 'Territory2:Bay_Area');
		expect(west.fields.Territory2ModelId).toEqual({ $ref: 'Territory2Model:FY26' });
		expect(bay.fields.ParentTerritory2Id).toEqual({ $ref: 'Territory2:West' });
		expect(bay.phase).toBeGreaterThan(west.phase);
		expect(west.fields).not.toHaveProperty('ForecastUserId');
		const forecast = byId(cs, 'Territory2:West:forecast');
		expect(forecast.recordRef).toBe('Territory2:West');
		const ana = byId(cs, `UserTerritory2Association:West:${org.u('ana@acme.example').id}`);
		expect(forecast.phase).toBeGreaterThan(ana.phase);
		expect(forecast.dependsOn).toContain(ana.id);
		const rule = byId(cs, 'ObjectTerritory2AssignmentRule:TP_Bay_Area');
		expect(rule.fields.BooleanFilter).toBeNull();
		expect(rule.fields.ObjectType).toBe('Account');
		expect(rule.fields.Territory2ModelId).toEqual({ $ref: model.id });
		expect(rule.dependsOn).toContain(model.id);
		const items = cs.changes.filter((c) => c.object === 'ObjectTerritory2AssignmentRuleItem' && c.label.startsWith('TP_Bay_Area'));
		expect(items.length).toBeGreaterThan(0);
		for (const item of items) {
			expect(item.fields.RuleId).toEqual({ $ref: rule.id });
			expect(String(item.fields.Field)).toMatch(/^Account\.BillingPostalCode$/);
		}
		const filter = byId(cs, 'ObjectTerritory2AssignmentRule:TP_Bay_Area:filter');
		expect(filter.recordRef).toBe(rule.id);
		expect(filter.phase).toBeGreaterThan(Math.max(...items.map((i) => i.phase)));
		// Phases never go down in apply order.
		for (let i = 1; i < cs.changes.length; i++) expect(cs.changes[i].phase).toBeGreaterThanOrEqual(cs.changes[i - 1].phase);
	});

	it('applies cleanly, and the same plan against the result is an empty change set', async () => {
		const org = baseOrg();
		org.s.model = null;
		org.s.models = [];
		const plan = westPlan();
		const after = await applyInSandbox(org.s, diff(plan, org.s, options()));
		expect(after.territories.map((t) => t.developerName).sort()).toEqual(['Bay_Area', 'Nevada', 'West']);
		expect(after.rules.map((r) => r.developerName).sort()).toEqual(['TP_Bay_Area', 'TP_Nevada']);
		const again = diff(plan, after, options());
		expect(again.issues).toEqual([]);
		expect(again.changes).toEqual([]);
	});

	it('is deterministic: the same inputs give deep-equal change sets', () => {
		const org = baseOrg().territory('Old', { type: 'Region' }).assign('Old', 'dee@acme.example', 'Owner');
		const a = diff(westPlan(), org.s, options({ method: 'overwriteAll' }));
		const b = diff(westPlan(), org.s, options({ method: 'overwriteAll' }));
		expect(a).toEqual(b);
		expect(a.changes.length).toBeGreaterThan(5);
	});
});

describe('diff: overwriteMatching', () => {
	function matchingOrg(): OrgBuilder {
		return baseOrg()
			.territory('West', { type: 'Region', description: 'Western region', forecast: undefined })
			.territory('Bay_Area', { parent: 'West', name: 'Bay Area', description: 'old text' })
			.assign('West', 'ana@acme.example', 'Owner');
	}

	it('updates only the standard fields that differ, with a readable reason', () => {
		const org = matchingOrg();
		const plan = makePlan(
			[
				pt('West', { type: 'Region', description: 'Western region', users: [{ ref: 'ana@acme.example', role: 'Owner' }] }),
				pt('Bay_Area', { name: 'Bay Area', parentKey: 'West', description: 'new text', caseAccess: 'Read' }),
			],
			without('Forecast Manager'),
		);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		expect(ids(cs)).toEqual(['Territory2:Bay_Area:update']);
		const c = cs.changes[0];
		expect(c.recordId).toBe(org.t('Bay_Area').id);
		expect(c.fields).toEqual({ Description: 'new text', CaseAccessLevel: 'Read' });
		expect(c.reason).toBe("Description: 'old text' → 'new text'; CaseAccessLevel: 'None' → 'Read'");
		expect(c.rows).toEqual([3]);
	});

	it('leaves values of absent columns alone and clears a present empty Description', () => {
		const org = matchingOrg();
		const territories = [pt('West', { type: 'Region', description: null }), pt('Bay_Area', { name: 'Bay Area', parentKey: 'West', description: null, type: 'Region' })];
		const absent = diff(makePlan(territories, ['Territory', 'Key', 'Parent']), org.s, options());
		expect(absent.changes).toEqual([]);
		const present = diff(makePlan(territories, ['Territory', 'Key', 'Parent', 'Description']), org.s, options());
		expect(ids(present)).toEqual(['Territory2:West:update', 'Territory2:Bay_Area:update']);
		expect(present.changes[0].fields).toEqual({ Description: null });
	});

	it('does not clear access levels (Salesforce requires them): an empty cell leaves them', () => {
		const org = matchingOrg();
		const plan = makePlan([pt('West', { type: 'Region', description: 'Western region', accountAccess: null, opportunityAccess: null })], ['Territory', 'Key', 'Type', 'Description', 'Account Access', 'Opportunity Access']);
		expect(diff(plan, org.s, options()).changes).toEqual([]);
	});

	it('changes the type and moves a territory under a new parent created first', async () => {
		const org = matchingOrg();
		const plan = makePlan([
			pt('West', { type: 'Region', description: 'Western region', users: [{ ref: 'ana@acme.example', role: 'Owner' }] }),
			pt('NorCal', { parentKey: 'West', type: 'Sales Region' }),
			pt('Bay_Area', { name: 'Bay Area', parentKey: 'NorCal', description: 'old text', type: 'Region' }),
		]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		const move = byId(cs, 'Territory2:Bay_Area:update');
		expect(move.fields.ParentTerritory2Id).toEqual({ $ref: 'Territory2:NorCal' });
		expect(move.fields.Territory2TypeId).toBe(org.s.types[0].id);
		expect(move.diff).toContainEqual({ field: 'ParentTerritory2Id', from: 'West', to: 'NorCal' });
		expect(move.dependsOn).toContain('Territory2:NorCal');
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories.find((t) => t.developerName === 'Bay_Area')?.parentId).toBe(after.territories.find((t) => t.developerName === 'NorCal')?.id);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('creates what does not match and leaves org territories the plan does not name', () => {
		const org = matchingOrg().territory('East', { type: 'Region' });
		const plan = makePlan([pt('West', { type: 'Region', description: 'Western region', users: [{ ref: 'ana@acme.example', role: 'Owner' }] }), pt('Nevada', { parentKey: 'West' })]);
		const cs = diff(plan, org.s, options());
		expect(ids(cs)).toEqual(['Territory2:Nevada']);
		expect(cs.changes[0].fields.ParentTerritory2Id).toBe(org.t('West').id);
	});
});

describe('diff: parents', () => {
	it('accepts a parent that exists in the org but not in the plan, and reports one that exists nowhere', () => {
		const org = baseOrg().territory('West', { type: 'Region' }).territory('Nevada', { parent: 'West' });
		const cs = diff(makePlan([pt('Reno', { parentKey: 'Nevada' }), pt('Ogden', { parentKey: 'Utah' })]), org.s, options());
		expect(byId(cs, 'Territory2:Reno').fields.ParentTerritory2Id).toBe(org.t('Nevada').id);
		expect(cs.issues).toEqual([expect.objectContaining({ code: 'UNKNOWN_PARENT', row: 3, column: 'Parent', value: 'Utah' })]);
	});
});

describe('diff: add', () => {
	it('creates everything as new and reports keys that exist anywhere in the model', () => {
		const org = baseOrg().territory('West', { type: 'Region' }).territory('Nevada', { parent: 'West' });
		const plan = makePlan([pt('Nevada'), pt('Utah')]);
		const cs = diff(plan, org.s, options({ method: 'add', scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([expect.objectContaining({ code: 'DUPLICATE_KEY', row: 2, column: 'Key', value: 'Nevada' })]);
		expect(byId(cs, 'Territory2:Utah').fields.ParentTerritory2Id).toBe(org.t('West').id);
	});

	it('never deletes, even with deleteMissing', () => {
		const org = baseOrg().territory('West', { type: 'Region' });
		const cs = diff(makePlan([pt('Utah')]), org.s, options({ method: 'add', deleteMissing: true }));
		expect(cs.changes.filter((c) => c.action === 'delete')).toEqual([]);
	});
});

describe('diff: scope', () => {
	function tree(): OrgBuilder {
		return baseOrg()
			.territory('Global', { type: 'Region' })
			.territory('West', { type: 'Region', parent: 'Global' })
			.territory('Nevada', { parent: 'West' })
			.territory('Utah', { parent: 'West' })
			.territory('East', { type: 'Region', parent: 'Global' })
			.territory('Maine', { parent: 'East' });
	}

	it('puts the top-level plan territories under the scope root and deletes only inside the scope', () => {
		const org = tree();
		const plan = makePlan([pt('Nevada'), pt('Arizona')]);
		const cs = diff(plan, org.s, options({ scopeRootKey: 'West', deleteMissing: true }));
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:Arizona').fields.ParentTerritory2Id).toBe(org.t('West').id);
		const deletes = cs.changes.filter((c) => c.action === 'delete');
		expect(deletes.map((c) => c.label)).toEqual(['Utah']);
		expect(deletes[0].reason).toBe('not in plan (delete missing)');
	});

	it('reports a scope root that does not exist', () => {
		const cs = diff(makePlan([pt('Nevada')]), tree().s, options({ scopeRootKey: 'North' }));
		expect(cs.issues).toEqual([expect.objectContaining({ code: 'SCOPE_ROOT_NOT_FOUND', row: 0, value: 'North' })]);
	});

	it('reports a plan key that exists under another parent outside the scope', () => {
		const cs = diff(makePlan([pt('Nevada'), pt('Maine')]), tree().s, options({ scopeRootKey: 'West' }));
		expect(cs.issues).toEqual([expect.objectContaining({ code: 'KEY_OUTSIDE_SCOPE', row: 3, column: 'Key', value: 'Maine' })]);
		expect(cs.issues[0].message).toContain('East');
	});
});

describe('diff: deleting', () => {
	function deep(): OrgBuilder {
		return baseOrg()
			.territory('West', { type: 'Region' })
			.territory('Nevada', { parent: 'West' })
			.territory('Reno', { parent: 'Nevada' })
			.territory('Tahoe', { parent: 'Reno' })
			.territory('Utah', { parent: 'West' })
			.assign('Reno', 'ben@acme.example', 'Sales Rep')
			.rule('TP_Reno', ['Reno'], [{ field: 'Account.BillingPostalCode', operation: 'startsWith', value: '895' }])
			.rule('Hand_Reno', ['Reno'], [{ field: 'Account.Industry', operation: 'equals', value: 'Mining' }]);
	}

	it('overwriteAll deletes what the plan does not name, children before parents, with their tool rules only', async () => {
		const org = deep();
		const plan = makePlan([pt('West', { type: 'Region' }), pt('Utah', { parentKey: 'West' })]);
		const cs = diff(plan, org.s, options({ method: 'overwriteAll' }));
		expect(cs.issues).toEqual([]);
		const deletes = cs.changes.filter((c) => c.action === 'delete');
		expect(deletes.map((c) => `${c.object} ${c.label}`)).toEqual([
			'ObjectTerritory2AssignmentRule TP_Reno',
			'Territory2 Tahoe',
			'Territory2 Reno',
			'Territory2 Nevada',
		]);
		expect(deletes[1].phase).toBeLessThan(deletes[2].phase);
		expect(deletes[2].dependsOn).toEqual(['Territory2:Tahoe:delete']);
		expect(deletes[1].reason).toBe('not in plan (overwrite all)');
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories.map((t) => t.developerName).sort()).toEqual(['Utah', 'West']);
		expect(after.rules.map((r) => r.developerName)).toEqual(['Hand_Reno']);
		expect(diff(plan, after, options({ method: 'overwriteAll' })).changes).toEqual([]);
	});

	it('keeps a territory that is moved out from under a deleted one, moving it first', async () => {
		const org = deep();
		const plan = makePlan([pt('West', { type: 'Region' }), pt('Utah', { parentKey: 'West' }), pt('Tahoe', { parentKey: 'Utah' })]);
		const cs = diff(plan, org.s, options({ deleteMissing: true }));
		const move = byId(cs, 'Territory2:Tahoe:update');
		const del = byId(cs, 'Territory2:Reno:delete');
		expect(move.phase).toBeLessThan(del.phase);
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories.map((t) => t.developerName).sort()).toEqual(['Tahoe', 'Utah', 'West']);
	});

	it('deletes the tool rules of deleted territories even when the plan has no rule columns', () => {
		const org = deep();
		const plan = makePlan([pt('West', { type: 'Region' }), pt('Utah', { parentKey: 'West' })], ['Territory', 'Key', 'Parent', 'Type']);
		const cs = diff(plan, org.s, options({ method: 'overwriteAll' }));
		expect(cs.changes.filter((c) => c.object === 'ObjectTerritory2AssignmentRule').map((c) => `${c.action} ${c.label}`)).toEqual(['delete TP_Reno']);
	});

	it('keeps the ancestors of a matched territory when the plan has no Parent column', async () => {
		const org = deep();
		const plan = makePlan([pt('Tahoe')], ['Territory', 'Key']);
		const cs = diff(plan, org.s, options({ deleteMissing: true }));
		expect(cs.changes.map((c) => c.label)).toEqual(['Utah']);
		await applyInSandbox(org.s, cs);
	});

	it('without deleteMissing, overwriteMatching deletes nothing', () => {
		const cs = diff(makePlan([pt('West', { type: 'Region' })]), deep().s, options());
		expect(cs.changes).toEqual([]);
	});
});

describe('diff: users', () => {
	function staffed(): OrgBuilder {
		return baseOrg()
			.territory('West', { type: 'Region', forecast: undefined })
			.assign('West', 'ana@acme.example', 'Owner')
			.assign('West', 'ben@acme.example', 'Sales Rep')
			.assign('West', 'cy@acme.example', null);
	}

	it('treats the Users column as the full set: extra deleted, missing created, role change = delete + create', async () => {
		const org = staffed();
		const plan = makePlan([
			pt('West', {
				type: 'Region',
				users: [
					{ ref: 'ana@acme.example', role: 'owner' },
					{ ref: 'ben@acme.example', role: 'Administrator' },
					{ ref: 'dee@acme.example', role: 'Sales Rep' },
				],
			}),
		]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		const ben = org.u('ben@acme.example').id;
		expect(cs.changes.map((c) => `${c.action} ${c.label}`)).toEqual([
			'delete West → ben@acme.example',
			'delete West → cy@acme.example',
			'create West → ben@acme.example',
			'create West → dee@acme.example',
		]);
		const recreate = byId(cs, `UserTerritory2Association:West:${ben}`);
		expect(recreate.fields).toEqual({ UserId: ben, Territory2Id: org.t('West').id, RoleInTerritory2: 'Administrator' });
		expect(recreate.dependsOn).toEqual([`UserTerritory2Association:West:${ben}:delete`]);
		expect(recreate.reason).toBe("role: 'Sales Rep' → 'Administrator'");
		expect(byId(cs, `UserTerritory2Association:West:${org.u('cy@acme.example').id}:delete`).reason).toBe('not in plan');
		const after = await applyInSandbox(org.s, cs);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('leaves assignments alone when the Users column is absent', () => {
		const cs = diff(makePlan([pt('West', { type: 'Region' })], without('Users', 'Forecast Manager')), staffed().s, options());
		expect(cs.changes).toEqual([]);
	});

	it('resolves users by Id, Email and FederationIdentifier, case-insensitively', () => {
		const org = baseOrg().user('eve@acme.example', { email: 'Eve.Smith@Acme.example' }).territory('West', { type: 'Region' });
		const plan = makePlan([
			pt('West', {
				type: 'Region',
				users: [
					{ ref: org.u('ana@acme.example').id.slice(0, 15), role: null },
					{ ref: 'BEN-FED', role: null },
					{ ref: 'eve.smith@acme.EXAMPLE', role: null },
				],
			}),
		]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		expect(cs.changes.map((c) => c.label)).toEqual(['West → ana@acme.example', 'West → ben@acme.example', 'West → eve@acme.example']);
	});

	it('reports unknown, ambiguous and inactive users and unknown roles', () => {
		const org = baseOrg()
			.user('x1@acme.example', { email: 'shared@acme.example' })
			.user('x2@acme.example', { email: 'shared@acme.example' })
			.user('gone@acme.example', { isActive: false })
			.territory('West', { type: 'Region' });
		const plan = makePlan([
			pt('West', {
				type: 'Region',
				users: [
					{ ref: 'nobody@acme.example', role: null },
					{ ref: 'shared@acme.example', role: null },
					{ ref: 'gone@acme.example', role: null },
					{ ref: 'ana@acme.example', role: 'Boss' },
				],
			}),
		]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues.map((i) => [i.code, i.row, i.column, i.value])).toEqual([
			['UNKNOWN_USER', 2, 'Users', 'nobody@acme.example'],
			['AMBIGUOUS_USER', 2, 'Users', 'shared@acme.example'],
			['UNKNOWN_ROLE', 2, 'Users', 'Boss'],
			['INACTIVE_USER', 2, 'Users', 'gone@acme.example'],
		]);
	});

	it('releases a forecast manager whose assignment is removed before deleting it, and sets the new one after', async () => {
		const org = staffed();
		org.t('West').forecastUserId = org.u('ana@acme.example').id;
		const plan = makePlan([pt('West', { type: 'Region', users: [{ ref: 'dee@acme.example', role: 'Owner' }], forecastManager: 'dee@acme.example' })]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues).toEqual([]);
		const release = byId(cs, 'Territory2:West:releaseForecast');
		expect(release.fields).toEqual({ ForecastUserId: null });
		const anaDelete = byId(cs, `UserTerritory2Association:West:${org.u('ana@acme.example').id}:delete`);
		expect(anaDelete.dependsOn).toContain(release.id);
		expect(release.phase).toBeLessThan(anaDelete.phase);
		const set = byId(cs, 'Territory2:West:forecast');
		expect(set.fields).toEqual({ ForecastUserId: org.u('dee@acme.example').id });
		expect(set.reason).toBe("Forecast Manager: (none) → 'dee@acme.example'");
		const after = await applyInSandbox(org.s, cs);
		expect(after.territories[0].forecastUserId).toBe(org.u('dee@acme.example').id);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('releases straight to a new forecast manager who is already assigned', async () => {
		const org = staffed();
		org.t('West').forecastUserId = org.u('ana@acme.example').id;
		const plan = makePlan([pt('West', { type: 'Region', users: [{ ref: 'ben@acme.example', role: 'Sales Rep' }], forecastManager: 'ben@acme.example' })]);
		const cs = diff(plan, org.s, options());
		expect(byId(cs, 'Territory2:West:releaseForecast').fields).toEqual({ ForecastUserId: org.u('ben@acme.example').id });
		expect(cs.changes.some((c) => c.id === 'Territory2:West:forecast')).toBe(false);
		await applyInSandbox(org.s, cs);
	});

	it('reports a forecast manager who is inactive or not assigned', () => {
		const org = baseOrg().user('gone@acme.example', { isActive: false }).territory('West', { type: 'Region' }).assign('West', 'gone@acme.example', null);
		const inactive = diff(makePlan([pt('West', { type: 'Region', forecastManager: 'gone@acme.example' })], without('Users')), org.s, options());
		expect(codes(inactive)).toEqual(['FORECAST_MANAGER_INACTIVE']);
		const unassigned = diff(makePlan([pt('West', { type: 'Region', forecastManager: 'ana@acme.example' })], without('Users')), org.s, options());
		expect(codes(unassigned)).toEqual(['FORECAST_MANAGER_NOT_ASSIGNED']);
	});
});

describe('diff: accounts', () => {
	it('manages manual assignments by Id or external key when manageAccounts', () => {
		const org = baseOrg().territory('West', { type: 'Region' });
		const a1 = org.account('ACME-1');
		const a2 = org.account();
		const a3 = org.account('ACME-3');
		org.assignAccount('West', a3);
		const plan = makePlan([pt('West', { type: 'Region', accounts: ['acme-1', a2, 'NOPE-9'] })]);
		const cs = diff(plan, org.s, options());
		expect(cs.issues.map((i) => [i.code, i.column, i.value])).toEqual([['UNKNOWN_ACCOUNT', 'Accounts', 'NOPE-9']]);
		expect(cs.changes.map((c) => `${c.action} ${c.label}`)).toEqual(['delete West → ACME-3', 'create West → ACME-1', `create West → ${a2}`]);
		expect(byId(cs, `ObjectTerritory2Association:West:${a1}`).fields).toEqual({ ObjectId: a1, Territory2Id: org.t('West').id, AssociationCause: 'Territory2Manual' });
		expect(diff(plan, org.s, options({ manageAccounts: false })).changes).toEqual([]);
	});
});

describe('diff: types', () => {
	it('matches types by DeveloperName or label, case-insensitively', () => {
		const org = baseOrg();
		const cs = diff(makePlan([pt('West', { type: 'sales region' }), pt('Utah', { type: 'TERRITORY' }), pt('Reno', { type: 'region' })]), org.s, options());
		expect(cs.issues).toEqual([]);
		expect(byId(cs, 'Territory2:West').fields.Territory2TypeId).toBe(org.s.types[0].id);
		expect(byId(cs, 'Territory2:Utah').fields.Territory2TypeId).toBe(org.s.types[1].id);
		expect(byId(cs, 'Territory2:Reno').fields.Territory2TypeId).toBe(org.s.types[0].id);
		// A spelling whose DeveloperName form exists is that type, not a new one.
		const spelled = diff(makePlan([pt('Ogden', { type: 'Territory!' })]), org.s, options({ createMissingTypes: true }));
		expect(spelled.changes.map((c) => c.object)).toEqual(['Territory2']);
		expect(spelled.changes[0].fields.Territory2TypeId).toBe(org.s.types[1].id);
	});

	it('reports unknown types, or creates them with the lowest free priorities above the existing ones', async () => {
		const org = baseOrg();
		const plan = makePlan([pt('West', { type: 'Super Region' }), pt('Utah', { type: 'District', parentKey: 'West' }), pt('Reno', { type: 'super region', parentKey: 'West' })]);
		const refused = diff(plan, org.s, options());
		expect(refused.issues.map((i) => [i.code, i.row, i.column, i.value])).toEqual([
			['UNKNOWN_TYPE', 2, 'Type', 'Super Region'],
			['UNKNOWN_TYPE', 3, 'Type', 'District'],
			['UNKNOWN_TYPE', 4, 'Type', 'super region'],
		]);
		const cs = diff(plan, org.s, options({ createMissingTypes: true }));
		expect(cs.issues).toEqual([]);
		const types = cs.changes.filter((c) => c.object === 'Territory2Type');
		expect(types.map((c) => c.fields)).toEqual([
			{ DeveloperName: 'Super_Region', MasterLabel: 'Super Region', Priority: 21 },
			{ DeveloperName: 'District', MasterLabel: 'District', Priority: 22 },
		]);
		expect(types[0].rows).toEqual([2, 4]);
		expect(byId(cs, 'Territory2:Reno').fields.Territory2TypeId).toEqual({ $ref: 'Territory2Type:Super_Region' });
		expect(byId(cs, 'Territory2:Reno').dependsOn).toContain('Territory2Type:Super_Region');
		const after = await applyInSandbox(org.s, cs);
		expect(diff(plan, after, options()).changes).toEqual([]);
	});

	it('requires a type for a new territory', () => {
		const cs = diff(makePlan([pt('West', { type: null })]), baseOrg().s, options());
		expect(cs.issues.map((i) => [i.code, i.column])).toEqual([['TYPE_REQUIRED', 'Type']]);
	});
});

describe('diff: model', () => {
	it('always refuses an archived (read-only) model', () => {
		const org = baseOrg();
		(org.s.model as { state: string }).state = 'Archived';
		const cs = diff(makePlan([pt('West')]), org.s, options({ allowActiveModel: true }));
		expect(codes(cs)).toEqual(['MODEL_READ_ONLY']);
	});

	it('refuses a state it does not know (a later release\'s) rather than writing into it', () => {
		const org = baseOrg();
		(org.s.model as { state: string }).state = 'Realigning';
		const cs = diff(makePlan([pt('West')]), org.s, options({ allowActiveModel: true }));
		expect(cs.issues).toEqual([expect.objectContaining({ code: 'MODEL_READ_ONLY', row: 0, value: org.s.model!.developerName })]);
		// An issue is what keeps a change set from being applied (publishPlan writes nothing then).
		expect(cs.issues[0].message).toContain('is Realigning: this state is unknown to this tool');
	});

	it('refuses an Active model unless allowed', () => {
		const org = baseOrg();
		(org.s.model as { state: string }).state = 'Active';
		expect(codes(diff(makePlan([pt('West')]), org.s, options()))).toEqual(['MODEL_ACTIVE']);
		expect(codes(diff(makePlan([pt('West')]), org.s, options({ allowActiveModel: true })))).toEqual([]);
	});

	it('refuses to re-create a model whose DeveloperName belongs to an archived model', () => {
		const s = emptySnapshot();
		s.types.push({ id: 'T1', developerName: 'Territory', masterLabel: 'Territory', priority: 1, description: null });
		s.models.push({ id: 'M1', name: 'FY26', developerName: 'FY26', description: null, state: 'Archived' });
		expect(codes(diff(makePlan([pt('West')]), s, options()))).toEqual(['MODEL_READ_ONLY']);
	});

	it('counts existing kept and new territories against the per-model limit', () => {
		const org = baseOrg();
		for (let i = 0; i < 999; i++) org.territory(`T${i}`);
		const two = diff(makePlan([pt('A'), pt('B')]), org.s, options());
		expect(two.issues).toEqual([expect.objectContaining({ code: 'TERRITORY_LIMIT', row: 0, value: '1001' })]);
		expect(codes(diff(makePlan([pt('A')]), org.s, options()))).toEqual([]);
		// Deleting makes room.
		const replaced = diff(makePlan([pt('A'), pt('B')]), org.s, options({ method: 'overwriteAll' }));
		expect(codes(replaced)).toEqual([]);
	});
});
