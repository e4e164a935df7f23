import * as crypto from "node:crypto";

/**
 * The few S3 bucket calls the live suite makes (create, versioning, lifecycle, and reading them
 * back), signed with AWS Signature Version 4 and addressed path-style, as our AWS provider
 * settings make Pulumi do it (components/s3-buckets/spec.ts `s3UsePathStyle`). No SDK: the
 * repository carries none (@pulumi/aws brings no client), and four calls do not justify one. The
 * server checks every signature, so a wrong signing detail fails loudly rather than passing.
 */

export interface S3Target {
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly region: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface S3Response {
  readonly status: number;
  readonly body: string;
}

const sha256 = (data: string | Buffer) => crypto.createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => crypto.createHmac("sha256", key).update(data).digest();

/** One signed request to `/<bucket>` or `/<bucket>/<key>`, with an optional sub-resource (`versioning`, `lifecycle`). */
export async function s3Request(target: S3Target, method: "GET" | "PUT" | "HEAD", bucket: string, subresource = "", body = ""): Promise<S3Response> {
  const objectPath = bucket.split("/").map(encodeURIComponent).join("/");
  const url = new URL(`${target.endpoint}/${objectPath}${subresource ? `?${subresource}` : ""}`);
  const now = new Date();
  const amzDate = now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256(body);
  const headers: Record<string, string> = {
    host: url.host,
    "x-amz-content-sha256": payloadHash,
    "x-amz-date": amzDate,
  };
  // S3 requires an integrity header on lifecycle (and accepts it on every PUT with a body).
  if (body) headers["content-md5"] = crypto.createHash("md5").update(body).digest("base64");
  const signed = Object.keys(headers).sort();
  // A sub-resource without a value is canonicalised as "name=" (sorted by name).
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join("&");
  const canonicalRequest = [method, url.pathname, canonicalQuery, ...signed.map((h) => `${h}:${headers[h].trim()}`), "", signed.join(";"), payloadHash].join("\n");
  const scope = `${day}/${target.region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${target.secretKey}`, day), target.region), "s3"), "aws4_request");
  const signature = crypto.createHmac("sha256", key).update(stringToSign).digest("hex");
  const { host: _host, ...sent } = headers;
  const response = await fetch(url, {
    method,
    headers: { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${target.accessKey}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${signature}` },
    body: body || undefined,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: response.status, body: await response.text() };
}

/** Throws with the S3 error code (never the credentials) unless the answer is 2xx. */
export async function s3Ok(target: S3Target, method: "GET" | "PUT" | "HEAD", bucket: string, subresource = "", body = ""): Promise<string> {
  const response = await s3Request(target, method, bucket, subresource, body);
  if (response.status < 200 || response.status >= 300) {
    const code = /<Code>([^<]*)<\/Code>/.exec(response.body)?.[1] ?? "no error code";
    throw new Error(`S3 ${method} /${bucket}${subresource ? `?${subresource}` : ""} answered ${response.status} ${code}`);
  }
  return response.body;
}

/** A plain value → XML: keys become elements, arrays repeat their element. */
export type XmlValue = string | number | boolean | XmlObject | XmlValue[];
export interface XmlObject {
  readonly [element: string]: XmlValue;
}

export function toXml(root: string, value: XmlObject): string {
  const render = (name: string, v: XmlValue): string =>
    Array.isArray(v)
      ? v.map((item) => render(name, item)).join("")
      : typeof v === "object"
        ? `<${name}>${Object.entries(v).map(([k, child]) => render(k, child)).join("")}</${name}>`
        : `<${name}>${String(v).replace(/&/g, "&amp;").replace(/</g, "&lt;")}</${name}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>${render(root, value).replace(`<${root}>`, `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)}`;
}

/**
 * S3's XML answers → plain objects: an element with children becomes an object (repeated children
 * become arrays), a leaf its text. Enough for the bucket configuration documents; no attributes,
 * no mixed content.
 */
export function fromXml(xml: string): XmlObject {
  const body = xml.replace(/<\?xml[^>]*\?>/, "").trim();
  const parse = (text: string): XmlValue => {
    const children: Record<string, XmlValue[]> = {};
    const element = /<([A-Za-z][\w.-]*)(?:\s[^>]*)?(?:\/>|>([\s\S]*?)<\/\1>)/g;
    let found = false;
    for (let m = element.exec(text); m; m = element.exec(text)) {
      found = true;
      (children[m[1]] ??= []).push(m[2] === undefined ? "" : parse(m[2]));
    }
    if (!found) return text.replace(/&lt;/g, "<").replace(/&amp;/g, "&");
    return Object.fromEntries(Object.entries(children).map(([k, v]) => [k, v.length === 1 ? v[0] : v]));
  };
  return parse(body) as XmlObject;
}
