/**
 * Where API Gateway can create the network interfaces of a VPC link (`AWS::ApiGatewayV2::VpcLink`,
 * the "VPC link V2" that HTTP APIs use): per region, the Availability Zone IDs it supports.
 *
 * Source: the "Availability by Region" table of the API Gateway developer guide,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vpc-links.html
 * (now also published as
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-links-v2.html),
 * read on 2026-11-22. Only the region codes and zone IDs are carried over.
 *
 * Zones are listed by AZ *ID* (`use1-az1`), which names the same physical zone in every account;
 * AZ *names* (`us-east-1a`) are shuffled per account, so a name must be mapped to its ID with the
 * account's own `DescribeAvailabilityZones` answer before it is looked up here.
 *
 * A region missing from the table has no VPC links for HTTP APIs at all (as the page lists them on
 * that date). The China regions are documented on a separate site and are not covered here, so they
 * count as missing too. When AWS adds regions or zones, update this table and its date.
 */

/** Region code → the AZ IDs where VPC links for HTTP APIs are supported, in the page's order. */
export type VpcLinkZoneTable = Readonly<Record<string, readonly string[]>>;

/** The date {@link VPC_LINK_SUPPORTED_ZONES} was read from the AWS documentation (ISO 8601). */
export const VPC_LINK_ZONES_READ_ON = '2026-11-22';

/** The page {@link VPC_LINK_SUPPORTED_ZONES} was read from. */
export const VPC_LINK_ZONES_SOURCE =
  'https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vpc-links.html';

/**
 * The supported AZ IDs of every region that offers VPC links for HTTP APIs, as documented on
 * {@link VPC_LINK_ZONES_READ_ON} (see the module comment for the source).
 *
 * @example
 * VPC_LINK_SUPPORTED_ZONES['us-east-1']; // ['use1-az1', 'use1-az2', 'use1-az4', 'use1-az5', 'use1-az6']
 * VPC_LINK_SUPPORTED_ZONES['af-south-1']; // undefined: not offered there
 */
export const VPC_LINK_SUPPORTED_ZONES: VpcLinkZoneTable = Object.freeze({
  // United States
  'us-east-1': ['use1-az1', 'use1-az2', 'use1-az4', 'use1-az5', 'use1-az6'],
  'us-east-2': ['use2-az1', 'use2-az2', 'use2-az3'],
  'us-west-1': ['usw1-az1', 'usw1-az3'],
  'us-west-2': ['usw2-az1', 'usw2-az2', 'usw2-az3', 'usw2-az4'],
  // Asia Pacific
  'ap-east-1': ['ape1-az2', 'ape1-az3'],
  'ap-south-1': ['aps1-az1', 'aps1-az2', 'aps1-az3'],
  'ap-northeast-1': ['apne1-az1', 'apne1-az2', 'apne1-az4'],
  'ap-northeast-2': ['apne2-az1', 'apne2-az2', 'apne2-az3'],
  'ap-southeast-1': ['apse1-az1', 'apse1-az2', 'apse1-az3'],
  'ap-southeast-2': ['apse2-az1', 'apse2-az2', 'apse2-az3'],
  // Canada
  'ca-central-1': ['cac1-az1', 'cac1-az2'],
  // Europe
  'eu-central-1': ['euc1-az1', 'euc1-az2', 'euc1-az3'],
  'eu-west-1': ['euw1-az1', 'euw1-az2', 'euw1-az3'],
  'eu-west-2': ['euw2-az1', 'euw2-az2', 'euw2-az3'],
  'eu-west-3': ['euw3-az1', 'euw3-az3'],
  'eu-south-2': ['eus2-az1', 'eus2-az2', 'eus2-az3'],
  'eu-north-1': ['eun1-az1', 'eun1-az2', 'eun1-az3'],
  // Middle East
  'me-south-1': ['mes1-az1', 'mes1-az2', 'mes1-az3'],
  // South America
  'sa-east-1': ['sae1-az1', 'sae1-az2', 'sae1-az3'],
  // AWS GovCloud (US)
  'us-gov-west-1': ['usgw1-az1', 'usgw1-az2', 'usgw1-az3'],
});
