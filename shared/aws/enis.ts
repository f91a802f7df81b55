import { DescribeNetworkInterfacesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Enis } from '../domain/switch/ports';
import { call } from './call-error';

/**
 * One ENI by id. Filtered rather than named (NetworkInterfaceIds), so a deleted ENI is an empty answer
 * instead of an InvalidNetworkInterfaceID.NotFound error that would have to be told from other failures.
 */
export const makeEnis = (read: EC2Client): Enis => ({
  describe: async (eniId) => {
    const output = await call('DescribeNetworkInterfaces', () =>
      read.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'network-interface-id', Values: [eniId] }],
        }),
      ),
    );
    const eni = output.NetworkInterfaces?.find((found) => found.NetworkInterfaceId === eniId);
    if (eni === undefined) return { exists: false };
    const attachedInstanceId = eni.Attachment?.InstanceId;
    return {
      exists: true,
      vpcId: eni.VpcId ?? '',
      ...(attachedInstanceId === undefined ? {} : { attachedInstanceId }),
    };
  },
});
