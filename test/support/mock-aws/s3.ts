/**
 * Mocked S3 (REST XML, path-style `/bucket/key`: the SDK uses path-style addressing when the
 * endpoint is an IP address). Buckets exist only when created here (the CDK assets bucket when
 * the environment is bootstrapped); objects live in `MockWorld.objects` as `bucket/key`.
 */

import { createHash } from 'node:crypto';
import type { DecodedRequest, MockReply, MockRequest, ServiceHandler } from './protocol.js';
import { AwsError, asAwsError, UnknownActionError } from './protocol.js';
import type { MockWorld } from './world.js';
import { escapeXml, xmlElement } from './xml.js';

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * The payload of an `aws-chunked` body (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n
 * <trailers>\r\n\r\n`), which the SDK sends when it adds a trailing checksum.
 */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const header = body.subarray(offset, lineEnd).toString('latin1');
    const size = Number.parseInt(header.split(';')[0], 16);
    if (!Number.isFinite(size) || size === 0) break;
    const start = lineEnd + 2;
    parts.push(body.subarray(start, start + size));
    offset = start + size + 2;
  }
  return Buffer.concat(parts);
}

function isChunked(request: MockRequest): boolean {
  const encoding = String(request.headers['content-encoding'] ?? '');
  const sha = String(request.headers['x-amz-content-sha256'] ?? '');
  return encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-');
}

function etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function xmlReply(status: number, xml: string, requestId: string): MockReply {
  return {
    status,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`,
  };
}

function errorReply(request: MockRequest, error: AwsError, bucket?: string): MockReply {
  if (request.method === 'HEAD') {
    return { status: error.status, headers: { 'x-amz-request-id': request.requestId } };
  }
  const extra = bucket ? `<BucketName>${escapeXml(bucket)}</BucketName>` : '';
  return xmlReply(
    error.status,
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}` +
      `<RequestId>${request.requestId}</RequestId><HostId>mock</HostId></Error>`,
    request.requestId,
  );
}

/** The S3 action a REST request stands for. */
function actionOf(request: MockRequest, bucket: string, key: string): string {
  const q = request.query;
  const { method } = request;
  if (!bucket) return method === 'GET' ? 'ListBuckets' : `${method}Service`;
  if (!key) {
    if (method === 'GET' && q.has('location')) return 'GetBucketLocation';
    if (method === 'GET' && q.has('encryption')) return 'GetBucketEncryption';
    if (method === 'GET' && q.get('list-type') === '2') return 'ListObjectsV2';
    if (method === 'GET' && q.has('versioning')) return 'GetBucketVersioning';
    if (method === 'GET' && q.has('policy')) return 'GetBucketPolicy';
    if (method === 'GET' && q.size === 0) return 'ListObjects';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'PUT' && q.size === 0) return 'CreateBucket';
    if (method === 'POST' && q.has('delete')) return 'DeleteObjects';
    if (method === 'DELETE' && q.size === 0) return 'DeleteBucket';
    return `${method} /${bucket}?${q.toString()}`;
  }
  if (q.has('tagging'))
    return `${method === 'GET' ? 'Get' : method === 'PUT' ? 'Put' : 'Delete'}ObjectTagging`;
  if (q.has('uploads') || q.has('uploadId')) return `Multipart ${method}`;
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'PUT') return request.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
  if (method === 'DELETE') return 'DeleteObject';
  return `${method} /${bucket}/${key}`;
}

/** The S3 service. */
export function s3Service(world: MockWorld, onUnknown: (error: UnknownActionError) => void): ServiceHandler {
  return (request): DecodedRequest => {
    const segments = request.path.split('/').slice(1);
    const bucket = decodeURIComponent(segments[0] ?? '');
    const key = segments.slice(1).map(decodeURIComponent).join('/');
    const action = actionOf(request, bucket, key);
    const input: Record<string, unknown> = { Bucket: bucket || undefined, Key: key || undefined };
    for (const [name, value] of request.query) input[name] = value;
    return {
      action,
      input,
      async respond() {
        try {
          return handle(world, request, action, bucket, key, onUnknown);
        } catch (error) {
          return errorReply(request, asAwsError(error), bucket);
        }
      },
    };
  };
}

function handle(
  world: MockWorld,
  request: MockRequest,
  action: string,
  bucket: string,
  key: string,
  onUnknown: (error: UnknownActionError) => void,
): MockReply {
  const requestId = request.requestId;
  if (action === 'CreateBucket') {
    world.buckets.add(bucket);
    return { status: 200, headers: { location: `/${bucket}`, 'x-amz-request-id': requestId } };
  }
  if (bucket && !world.buckets.has(bucket)) {
    return errorReply(
      request,
      new AwsError(404, 'NoSuchBucket', 'The specified bucket does not exist'),
      bucket,
    );
  }
  const owner = request.headers['x-amz-expected-bucket-owner'];
  if (owner !== undefined && owner !== world.account) {
    return errorReply(request, new AwsError(403, 'AccessDenied', 'Access Denied'), bucket);
  }
  const objectKey = `${bucket}/${key}`;
  switch (action) {
    case 'ListBuckets':
      return xmlReply(
        200,
        `<ListAllMyBucketsResult xmlns="${S3_NAMESPACE}"><Owner><ID>mock</ID></Owner><Buckets>${[
          ...world.buckets,
        ]
          .map(
            (name) =>
              `<Bucket><Name>${escapeXml(name)}</Name><CreationDate>${new Date().toISOString()}</CreationDate></Bucket>`,
          )
          .join('')}</Buckets></ListAllMyBucketsResult>`,
        requestId,
      );
    case 'HeadBucket':
      return { status: 200, headers: { 'x-amz-bucket-region': world.region, 'x-amz-request-id': requestId } };
    case 'GetBucketLocation':
      return xmlReply(
        200,
        `<LocationConstraint xmlns="${S3_NAMESPACE}">${world.region === 'us-east-1' ? '' : world.region}</LocationConstraint>`,
        requestId,
      );
    case 'GetBucketEncryption':
      return xmlReply(
        200,
        `<ServerSideEncryptionConfiguration xmlns="${S3_NAMESPACE}"><Rule><ApplyServerSideEncryptionByDefault>` +
          '<SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled>' +
          '</Rule></ServerSideEncryptionConfiguration>',
        requestId,
      );
    case 'ListObjects':
    case 'ListObjectsV2': {
      const prefix = request.query.get('prefix') ?? '';
      const max = Number(request.query.get('max-keys') ?? 1000);
      const keys = [...world.objects.keys()]
        .filter((k) => k.startsWith(`${bucket}/`))
        .map((k) => k.slice(bucket.length + 1))
        .filter((k) => k.startsWith(prefix))
        .sort();
      const start = Number(request.query.get('continuation-token') ?? 0);
      const shown = keys.slice(start, start + max);
      const truncated = start + max < keys.length;
      const contents = shown.map((k) => {
        const body = world.objects.get(`${bucket}/${k}`) ?? Buffer.alloc(0);
        return {
          Key: k,
          LastModified: new Date(),
          ETag: etag(body),
          Size: body.length,
          StorageClass: 'STANDARD',
        };
      });
      const result =
        `<Name>${escapeXml(bucket)}</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${shown.length}</KeyCount>` +
        `<MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>` +
        (truncated ? `<NextContinuationToken>${start + max}</NextContinuationToken>` : '') +
        xmlElement('Contents', contents, 'flat');
      return xmlReply(
        200,
        `<ListBucketResult xmlns="${S3_NAMESPACE}">${result}</ListBucketResult>`,
        requestId,
      );
    }
    case 'PutObject': {
      const body = isChunked(request) ? decodeAwsChunked(request.body) : request.body;
      world.objects.set(objectKey, body);
      return { status: 200, headers: { etag: etag(body), 'x-amz-request-id': requestId } };
    }
    case 'GetObject':
    case 'HeadObject': {
      const body = world.objects.get(objectKey);
      if (!body) {
        return errorReply(
          request,
          new AwsError(404, 'NoSuchKey', 'The specified key does not exist.'),
          bucket,
        );
      }
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': String(body.length),
        etag: etag(body),
        'last-modified': new Date().toUTCString(),
        'x-amz-request-id': requestId,
      };
      return { status: 200, headers, body: action === 'GetObject' ? body : undefined };
    }
    case 'DeleteObject':
      world.objects.delete(objectKey);
      return { status: 204, headers: { 'x-amz-request-id': requestId } };
    case 'DeleteObjects': {
      const keys = [...request.body.toString('utf8').matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
      for (const k of keys) world.objects.delete(`${bucket}/${k}`);
      const deleted = keys.map((k) => `<Deleted><Key>${k}</Key></Deleted>`).join('');
      return xmlReply(200, `<DeleteResult xmlns="${S3_NAMESPACE}">${deleted}</DeleteResult>`, requestId);
    }
    default: {
      const error = new UnknownActionError('s3', action);
      onUnknown(error);
      return errorReply(request, error, bucket);
    }
  }
}
