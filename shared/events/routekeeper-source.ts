/** The EventBridge source of every event routekeeper itself publishes. Nodes may never use it (bus policy). */
export const ROUTEKEEPER_SOURCE = 'routekeeper';
