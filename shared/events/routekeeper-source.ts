/** The EventBridge source of every event routekeeper itself publishes. Nodes may never use it (bus policy). */
export const ROUTEKEEPER_SOURCE = 'routekeeper';

/**
 * The source of the result events an operator's `routekeeper switch` publishes with the operator's own
 * credentials: the bus policy keeps `routekeeper` to the functions' roles, so an operator can never
 * impersonate them (no `Route Switch Requested` that routeSwitch would act on), only report its own switch.
 */
export const OPERATOR_SOURCE = 'routekeeper.operator';
