import {
  CreateTransitGatewayRouteCommand,
  type EC2Client,
  ReplaceTransitGatewayRouteCommand,
  SearchTransitGatewayRoutesCommand,
} from '@aws-sdk/client-ec2';
import type { TransitGatewayRoutes } from '../domain/switch/ports';
import { call } from './call-error';

export const makeTransitGatewayRoutes = (
  read: EC2Client,
  write: EC2Client,
): TransitGatewayRoutes => ({
  exactRoutes: async (routeTableId, destination) => {
    const output = await call('SearchTransitGatewayRoutes', () =>
      read.send(
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
      write.send(
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
      write.send(
        new ReplaceTransitGatewayRouteCommand({
          TransitGatewayRouteTableId: routeTableId,
          DestinationCidrBlock: destination,
          TransitGatewayAttachmentId: attachmentId,
        }),
      ),
    );
  },
});
