import type { ExposedPort } from "./ports.ts";

/** The template parameters of one order, checked and with the role's defaults applied. */
export interface VmParameters {
  /** @default 2 */
  readonly cpuCores: number;
  /** Quantity text as given, trimmed. @default "2Gi" */
  readonly memory: string;
  /** Quantity text as given, trimmed. @default "10Gi" */
  readonly diskSize: string;
  /** Without a leading "docker://". @default "quay.io/containerdisks/fedora:latest" */
  readonly imageSource: string;
  /** Base64 of the cloud-init user data, exactly as given. @default "I2Nsb3VkLWNvbmZpZw==" (`#cloud-config`) */
  readonly cloudInitConfig: string;
  /** The raw text as given (the role base64s it verbatim); absent when missing, empty or blank. */
  readonly sshPublicKey?: string;
  /** The individual keys of `sshPublicKey`, trimmed. @default [] */
  readonly sshPublicKeys: readonly string[];
  /** In the order given. @default [{ port: 22, protocol: "tcp" }] */
  readonly exposedPorts: readonly ExposedPort[];
  /** This project's addition; absent means the cluster's default StorageClass. */
  readonly storageClass?: string;
}

export const DEFAULT_CPU_CORES = 2;
export const DEFAULT_MEMORY = "2Gi";
export const DEFAULT_DISK_SIZE = "10Gi";
export const DEFAULT_IMAGE_SOURCE = "quay.io/containerdisks/fedora:latest";
/** base64 of `#cloud-config`. */
export const DEFAULT_CLOUD_INIT_CONFIG = "I2Nsb3VkLWNvbmZpZw==";
export const DEFAULT_EXPOSED_PORTS_TEXT = "22/tcp";
export const DEFAULT_EXPOSED_PORTS: readonly ExposedPort[] = Object.freeze([Object.freeze({ port: 22, protocol: "tcp" as const })]);
