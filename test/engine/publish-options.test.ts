/**
 * The options of a publish are checked once, by the public entry (publishPlan, planPublish), before
 * anything is read: preparePublish, the planning half both share, takes them as checked.
 */
import * as options from '../../lib/options';
import { planPublish, publishPlan } from '../../lib';
import type { PublishOptions } from '../../lib';

// A model without a name: the engine answers from the plan alone, without reaching the (unreachable) org.
const call: PublishOptions = {
	connection: { authType: 'password', loginUrl: 'http://127.0.0.1:9', username: 'ana@acme.example', password: 'never-sent' },
	plan: { rows: [{ Territory: 'West', Key: 'West' }] },
	model: { developerName: '' },
	dryRun: true,
};

afterEach(() => jest.restoreAllMocks());

describe('checkPublishOptions on a publish', () => {
	it.each([
		['publishPlan', publishPlan],
		['planPublish', planPublish],
	])('runs once in %s', async (_name, entry) => {
		const check = jest.spyOn(options, 'checkPublishOptions');
		const result = await entry(call);
		expect(result.issues.map((i) => i.code)).toEqual(['INVALID_MODEL_NAME']);
		expect(check).toHaveBeenCalledTimes(1);
	});

	it('still refuses a wrong option before anything is read', async () => {
		await expect(publishPlan({ ...call, method: 'sideways' } as unknown as PublishOptions)).rejects.toMatchObject({ code: 'INVALID_OPTION', option: 'method' });
	});
});
