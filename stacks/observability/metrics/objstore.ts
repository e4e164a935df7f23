import * as YAML from "yaml";

/**
 * The Thanos objstore configuration for MinIO (thanos-io/objstore "S3" provider). One file serves
 * the Prometheus sidecar, the store gateway and the compactor.
 */

export interface S3Bucket {
  /** MinIO API URL from config, e.g. https://s3.68cc.io or http://minio.lan:9000. */
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface ObjstoreConfig {
  readonly type: "S3";
  readonly config: {
    readonly bucket: string;
    /** host[:port], no scheme. */
    readonly endpoint: string;
    readonly region: string;
    readonly access_key: string;
    readonly secret_key: string;
    /** true means plain HTTP. */
    readonly insecure: boolean;
    /** MinIO serves buckets as paths unless wildcard DNS is set up. */
    readonly bucket_lookup_type: "path";
  };
}

export function objstoreConfig(target: S3Bucket): ObjstoreConfig {
  const url = new URL(target.endpoint);
  return {
    type: "S3",
    config: {
      bucket: target.bucket,
      // URL.host keeps an explicit port and drops the default one, which is what Thanos expects.
      endpoint: url.host,
      region: target.region,
      access_key: target.accessKey,
      secret_key: target.secretKey,
      insecure: url.protocol === "http:",
      bucket_lookup_type: "path",
    },
  };
}

/** The objstore file as Thanos reads it. Contains the keys: only ever call it inside a secret Output. */
export function objstoreYaml(target: S3Bucket): string {
  return YAML.stringify(objstoreConfig(target));
}

/** TCP port the S3 clients connect to: the endpoint's explicit port, or the scheme's default. */
export function s3Port(endpoint: string): number {
  const url = new URL(endpoint);
  if (url.port !== "") return Number(url.port);
  return url.protocol === "http:" ? 80 : 443;
}
