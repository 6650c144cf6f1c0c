/**
 * Whether the target model can take the plan at all: it is created when missing; it is published into
 * only in a PUBLISHABLE_MODEL_STATES state (Planning, or Active when allowed explicitly, since Active
 * means live assignments). Every other state, transitions, failures and states this code does not know,
 * is refused with an issue that names the state and what an admin does about it in Setup. After the
 * other stages have run, the territory count the model would hold is checked against the per-model limit.
 */
import { LIMITS, OBJECTS, PUBLISHABLE_MODEL_STATES, territoryLimitAdvice } from '../salesforce';
import { lower, type DiffContext } from './diff-context';
import { changeId, Findings } from './findings';
import { PHASE } from './phases';
import type { DiffOptions, FieldValue, OrgSnapshot } from './types';

/** The model the plan goes into, as the later stages write it into their records. */
export interface TargetModel {
	/** The existing model's Id; null when this run creates it. */
	id: string | null;
	/** The id of the change that creates the model; null when it exists. */
	createChangeId: string | null;
	/** The model's Id, or a reference to the change that creates it (a Territory2ModelId value). */
	ref: FieldValue;
}

export function checkModel(snapshot: OrgSnapshot, options: DiffOptions): { model: TargetModel; findings: Findings } {
	const out = new Findings();
	const dev = options.modelDeveloperName;
	const model = snapshot.model ?? snapshot.models.find((m) => lower(m.developerName) === lower(dev)) ?? null;
	if (!model) {
		const createChangeId = changeId(OBJECTS.model, dev);
		out.push({
			id: createChangeId,
			object: OBJECTS.model,
			action: 'create',
			label: dev,
			fields: { Name: options.modelName ?? dev, DeveloperName: dev },
			reason: 'model does not exist',
			phase: PHASE.modelCreate,
		});
		return { model: { id: null, createChangeId, ref: { $ref: createChangeId } }, findings: out };
	}
	const target: TargetModel = { id: model.id, createChangeId: null, ref: model.id };
	if (!(PUBLISHABLE_MODEL_STATES as readonly string[]).includes(model.state)) {
		out.issue(0, null, model.developerName, 'MODEL_READ_ONLY', `Model ${model.developerName} is ${model.state}: ${adminAdvice(model.state)}`);
	} else if (model.state === 'Active' && !options.allowActiveModel) {
		out.issue(
			0,
			null,
			model.developerName,
			'MODEL_ACTIVE',
			`Model ${model.developerName} is Active: publishing into it changes live assignments; allow it explicitly to proceed.`,
		);
	}
	return { model: target, findings: out };
}

/**
 * What an admin does about a model that cannot be published into. The states are Salesforce's (Object
 * Reference and Metadata API, Territory2Model; Help: Territory Model State); the advice is ours, as the
 * documentation does not say how a failed state is left.
 */
function adminAdvice(state: string): string {
	const setup = 'Setup → Territory Models';
	switch (state) {
		case 'Archived':
			return `an archived model never changes again. Publish to another model, or clone this one in ${setup} and publish to the copy.`;
		case 'Activating':
		case 'Archiving':
		case 'Cloning':
		case 'Deleting':
			return `Salesforce is still working on it and nothing can be written meanwhile. Wait until ${setup} shows it as Planning or Active (Salesforce emails the admin when it is done), then publish again.`;
		case 'Activation Failed':
			return `Salesforce could not activate it. An admin opens the model in ${setup}, resolves the cause and activates it again (or asks Salesforce Support); publish once it is Planning or Active.`;
		case 'Archiving Failed':
			return `Salesforce could not archive it. An admin opens the model in ${setup} and archives it again (or asks Salesforce Support); nothing is published into it meanwhile.`;
		case 'Deletion Failed':
			return `Salesforce could not delete it. An admin deletes it again in ${setup} (or asks Salesforce Support); publish to another model.`;
		case 'Cloning Failed':
			return `the copy Salesforce was making is incomplete. An admin deletes it in ${setup} and clones the source model again; then publish to the new copy.`;
		default:
			// A state a later release may add: refused rather than written, since its rules are unknown.
			return `this state is unknown to this tool, which publishes only into Planning models (or Active ones, when allowed). Check the model in ${setup}.`;
	}
}

/** How the model's territory count moves, as the territory stage found it (territory-changes.ts). */
export interface TerritoryCount {
	created: number;
	deleted: number;
}

/** Existing minus deleted plus created: the count once applied (it may be briefly higher during the apply). */
export function checkTerritoryLimit(s: DiffContext, count: TerritoryCount): Findings {
	const out = new Findings();
	const total = s.snapshot.territories.length - count.deleted + count.created;
	const max = s.options.maxTerritoriesPerModel ?? LIMITS.territoriesPerModel;
	if (total > max) {
		out.issue(
			0,
			null,
			String(total),
			'TERRITORY_LIMIT',
			`The model would hold ${total} territories; it may hold at most ${territoryLimitAdvice(max)}`,
		);
	}
	return out;
}
