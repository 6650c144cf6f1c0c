import { startEngineOrg, DEMO_USERNAMES as U } from './fixtures';
it('dbg', async () => {
	const org = await startEngineOrg();
	const r = await org.publish({ plan: { rows: [
		{ Territory: 'West', Key: 'West', Type: 'Region' },
		{ Territory: 'Bay Area', Key: 'Bay_Area', Parent: 'West', Type: 'Territory', 'Postal Codes': '940*, 941*, 94501', States: 'CA', Criteria: 'Industry equals Technology, Biotechnology; AnnualRevenue greaterThan 1000000', Users: `${U.benCarter} (Sales Rep)` },
	] }, model: { developerName: 'X' } });
	console.log(JSON.stringify(r.rows.flatMap((x) => x.changes.filter((c) => c.status !== 'done')), null, 1));
	await org.stop();
});
