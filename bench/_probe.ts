for (const n of ['HTTP_PROXY','HTTPS_PROXY','http_proxy','https_proxy']) delete process.env[n];
import { startSandbox } from '../sandbox';
import { connect } from '../lib/org/connect';
import { applyChangeSet } from '../lib/org/apply';
import type { ChangeSet, Change } from '../lib/sync/types';
async function main() {
	let t = Date.now();
	const sb = await startSandbox({ port: 0, seed: 'demo', edition: 'Unlimited' });
	console.log('start', Date.now() - t);
	t = Date.now();
	const store = sb.store;
	const typeId = store.records('Territory2Type')[0].Id as string;
	const modelId = store.adminCreate('Territory2Model', { Name: 'B', DeveloperName: 'B' });
	const terr: string[] = [];
	for (let i = 0; i < 500; i++) terr.push(store.adminCreate('Territory2', { Name: `T${i}`, DeveloperName: `T${i}`, Territory2ModelId: modelId, Territory2TypeId: typeId }));
	const users = store.records('User').filter((u) => u.IsActive && String(u.Username).includes('acme')).map((u) => u.Id as string);
	const accounts = store.records('Account').map((a) => a.Id as string);
	console.log('setup', Date.now() - t, users.length, accounts.length);
	const org = await connect({ connection: { authType: 'password', loginUrl: sb.loginUrl, username: sb.credentials.username, password: sb.credentials.password, clientId: sb.credentials.clientId, clientSecret: sb.credentials.clientSecret } });
	for (const [n, thr, obj] of [[20000, Infinity, 'U'], [20000, 0, 'U'], [20000, Infinity, 'O'],[20000, 0, 'O']] as const) {
		const changes: Change[] = [];
		for (let k = 0; k < n; k++) {
			const off = 0;
			const rec = obj === 'U' ? { UserId: users[k % users.length], Territory2Id: terr[off + Math.floor(k / users.length) ], RoleInTerritory2: 'Sales Rep' } : { ObjectId: accounts[k % accounts.length], Territory2Id: terr[off + Math.floor(k / accounts.length)], AssociationCause: 'Territory2Manual' };
			changes.push({ id: `c${k}`, object: obj === 'U' ? 'UserTerritory2Association' : 'ObjectTerritory2Association', action: 'create', recordId: null, label: `c${k}`, fields: rec, diff: [], reason: 'x', rows: [], dependsOn: [], phase: 1 });
		}
		const cs: ChangeSet = { modelDeveloperName: 'B', modelId, changes, issues: [] };
		sb.requestLog.reset(); for (const ty of ['UserTerritory2Association','ObjectTerritory2Association']) for (const r of [...store.records(ty)]) store.deleteOne(ty, r.Id as string);
		const t0 = Date.now();
		const r = await applyChangeSet(org, cs, { bulkThreshold: thr });
		const failed = r.outcomes.filter((o) => o.status !== 'done');
		console.log(sb.requestLog.entries.map(e=>e.method+' '+e.path.replace(/\?.*/,'')).join('\n'));console.log(obj, n, thr, Date.now() - t0, 'ms calls', sb.requestLog.apiCalls, sb.requestLog.byKind(), 'failed', failed.length, failed[0]);
	}
	await sb.stop();
}
main();
