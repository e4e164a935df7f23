import * as fs from "node:fs";
import * as path from "node:path";
import { freePort, startServer, type LocalServer } from "./process";

/**
 * SeaweedFS (`weed server`: master, volume server, filer and S3 gateway in one process) on
 * loopback, standing in for the MinIO the program configures. Why SeaweedFS and not versitygw is in
 * tools/toolchain/tools/seaweedfs.sh. Every port is a free high port on 127.0.0.1 (the gRPC ports
 * too: by default they are HTTP port + 10000, which could collide), the optional gateways
 * (Iceberg, Lance, WebDAV, SFTP, IAM) stay off and telemetry is off.
 */

export interface LocalS3 {
  readonly server: LocalServer;
  /** http://127.0.0.1:<port> */
  readonly endpoint: string;
  readonly port: number;
}

export interface StartS3Options {
  readonly binary: string;
  readonly dataDir: string;
  /** The S3 port; free it first with freePort() when the caller needs it before the start. */
  readonly port: number;
  /** The one identity the S3 gateway accepts (the keys our program hands to its S3 clients). */
  readonly accessKey: string;
  readonly secretKey: string;
  readonly lifetimeSeconds: number;
}

export async function startS3(options: StartS3Options): Promise<LocalS3> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  // SeaweedFS' static identity file (weed/s3api/auth_credentials.go): Admin can create buckets and
  // set versioning and lifecycle, as the MinIO user of our program does.
  const configFile = path.join(options.dataDir, "s3.json");
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      identities: [
        { name: "home-platform", credentials: [{ accessKey: options.accessKey, secretKey: options.secretKey }], actions: ["Admin", "Read", "List", "Tagging", "Write"] },
      ],
    }),
    { mode: 0o600 },
  );
  const [master, masterGrpc, volume, volumeGrpc, filer, filerGrpc, s3Grpc] = await Promise.all(Array.from({ length: 7 }, () => freePort()));
  const args = [
    "server",
    "-ip=127.0.0.1",
    "-ip.bind=127.0.0.1",
    `-dir=${options.dataDir}`,
    "-master.telemetry=false",
    `-master.port=${master}`,
    `-master.port.grpc=${masterGrpc}`,
    // Small volumes: the default 30 GB limit would preallocate index space for nothing.
    "-master.volumeSizeLimitMB=64",
    `-volume.port=${volume}`,
    `-volume.port.grpc=${volumeGrpc}`,
    "-filer",
    `-filer.port=${filer}`,
    `-filer.port.grpc=${filerGrpc}`,
    "-s3",
    `-s3.port=${options.port}`,
    `-s3.port.grpc=${s3Grpc}`,
    "-s3.port.iceberg=0",
    "-s3.port.lance=0",
    `-s3.config=${configFile}`,
  ];
  const endpoint = `http://127.0.0.1:${options.port}`;
  const server = await startServer({
    name: "seaweedfs",
    binary: options.binary,
    args,
    lifetimeSeconds: options.lifetimeSeconds,
    // Anonymous requests get 403 once the gateway serves with its identities loaded.
    ready: async () => (await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(2_000) })).status === 403,
    readyTimeoutMs: 120_000,
  });
  return { server, endpoint, port: options.port };
}
