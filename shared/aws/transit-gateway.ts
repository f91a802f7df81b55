import {
  CreateTransitGatewayRouteCommand,
  type EC2Client,
  ReplaceTransitGatewayRouteCommand,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import type { TransitGatewayRoutes } from '../domain/switch/ports';
import { call } from './call-error';

/** The clients that read and write one Transit Gateway route table (its owner account's). */
export type TgwClientsOf = (routeTableId: string) => {
  readonly read: EC2Client;
  readonly write: EC2Client;
};

export const makeTransitGatewayRoutes = (read: EC2Client, write: EC2Client): TransitGatewayRoutes =>
  makeTgwRoutesByTable(() => ({ read, write }));

/**
 * Each route table through the clients of the account that owns it: a Transit Gateway of a network
 * account is read and written through that account's role (shared/aws/clients.ts, networkClients).
 */
export const makeTgwRoutesByTable = (clientsOf: TgwClientsOf): TransitGatewayRoutes => ({
  exactRoutes: async (routeTableId, destination) => {
    const output = await call('SearchTransitGatewayRoutes', () =>
      clientsOf(routeTableId).read.send(
        new SearchTransitGatewayRoutesCommand({
          TransitGatewayRouteTableId: routeTableId,
          Filters: [{ Name: 'route-search.exact-match', Values: [destination] }],
        }),
      ),
    );
    const routes = (output.Routes ?? [])
      .filter((route) => route.DestinationCidrBlock === destination)
      .map((route) => ({
        type: route.Type ?? 'unknown',
        state: route.State ?? 'unknown',
        attachmentIds: (route.TransitGatewayAttachments ?? [])
          .map((attachment) => attachment.TransitGatewayAttachmentId)
          .filter((id): id is string => id !== undefined),
      }));
    return { routes, complete: output.AdditionalRoutesAvailable !== true };
  },

  createRoute: async (routeTableId, destination, attachmentId) => {
    await call('CreateTransitGatewayRoute', () =>
      clientsOf(routeTableId).write.send(
        new CreateTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: routeTableId,
          DestinationCidrBlock: destination,
          TransitGatewayAttachmentId: attachmentId,
        }),
      ),
    );
  },

  replaceRoute: async (routeTableId, destination, attachmentId) => {
    await call('ReplaceTransitGatewayRoute', () =>
      clientsOf(routeTableId).write.send(
        new ReplaceTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: routeTableId,
          DestinationCidrBlock: destination,
          TransitGatewayAttachmentId: attachmentId,
        }),
      ),
    );
  },
});
