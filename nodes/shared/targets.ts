import type { IExecuteFunctions, ILoadOptionsFunctions, INodeParameterResourceLocator } from 'n8n-workflow';
import type { ModelTarget } from '../../lib';

/**
 * The Territory Model parameter as the engine's target: an Id in the By ID mode, else a DeveloperName
 * (From List hands the DeveloperName of the model picked).
 */
export function toModelTarget(parameter: INodeParameterResourceLocator | string | undefined): ModelTarget {
	if (typeof parameter === 'object' && parameter !== null) {
		const value = String(parameter.value ?? '').trim();
		return parameter.mode === 'id' ? { id: value } : { developerName: value };
	}
	return { developerName: String(parameter ?? '').trim() };
}

/** The model an execution works on (for the item `itemIndex`: Import runs once per item). */
export function modelTargetOf(ctx: IExecuteFunctions, itemIndex = 0): ModelTarget {
	return toModelTarget(ctx.getNodeParameter('model', itemIndex) as INodeParameterResourceLocator);
}

/** The model a list search (the territory picker) refers to: the node's current, unsaved parameters. */
export function currentModelTarget(ctx: ILoadOptionsFunctions): ModelTarget {
	return toModelTarget(ctx.getCurrentNodeParameter('model') as INodeParameterResourceLocator | string | undefined);
}

/** Under Territory's Key, or null for the whole model; a plain text value of older workflows is the Key. */
export function scopeRootOf(ctx: IExecuteFunctions, itemIndex = 0): string | null {
	const value = ctx.getNodeParameter('scopeRootKey', itemIndex, '', { extractValue: true });
	return String(value ?? '').trim() || null;
}
