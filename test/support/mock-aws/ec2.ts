/**
 * Mocked EC2, just what Wharf's preflight reads: `DescribeAvailabilityZones` (EC2's own query
 * dialect: `item` lists, lower-camel element names, `<Response><Errors>` errors).
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeAvailabilityZones.html
 */

import type { ServiceHandler } from './protocol.js';
import { asAwsError, UnknownActionError } from './protocol.js';
import type { MockWorld } from './world.js';
import { escapeXml, parseQueryForm } from './xml.js';

const NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** The EC2 service of the mock. */
export function ec2Service(world: MockWorld, onUnknown: (error: UnknownActionError) => void): ServiceHandler {
  return (request) => {
    const form = parseQueryForm(request.body.toString('utf8'));
    const action = String(form.Action ?? '');
    const { Action: _action, Version: _version, ...input } = form;
    return {
      action,
      input,
      async respond() {
        try {
          if (action !== 'DescribeAvailabilityZones') {
            const error = new UnknownActionError('ec2', action);
            onUnknown(error);
            throw error;
          }
          const items = world.zones
            .map(
              (zone) =>
                `<item><zoneName>${escapeXml(zone.zoneName)}</zoneName><zoneId>${escapeXml(zone.zoneId)}</zoneId>` +
                `<zoneState>available</zoneState><regionName>${world.region}</regionName>` +
                '<zoneType>availability-zone</zoneType><optInStatus>opt-in-not-required</optInStatus></item>',
            )
            .join('');
          return {
            status: 200,
            headers: { 'content-type': 'text/xml' },
            body: `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeAvailabilityZonesResponse xmlns="${NAMESPACE}"><requestId>${request.requestId}</requestId><availabilityZoneInfo>${items}</availabilityZoneInfo></DescribeAvailabilityZonesResponse>`,
          };
        } catch (error) {
          const aws = asAwsError(error);
          return {
            status: aws.status,
            headers: { 'content-type': 'text/xml' },
            body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(aws.code)}</Code><Message>${escapeXml(aws.message)}</Message></Error></Errors><RequestID>${request.requestId}</RequestID></Response>`,
          };
        }
      },
    };
  };
}
