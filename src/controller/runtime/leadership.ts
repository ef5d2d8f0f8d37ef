import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "../../platform/logger.ts";
import { LeaderElector } from "./leader-election.ts";

/** A process's `--leader-elect` settings: off means this replica always leads. */
export interface LeadershipSettings {
  readonly enabled: boolean;
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
}

/** The work a Lease guards: started when this replica leads, stopped when it no longer does. */
export interface GuardedWork {
  start(): void;
  stop(): void | Promise<void>;
}

export interface Leadership {
  readonly isLeader: boolean;
  /** Stops the work (and competing: a held Lease is released after the work's stop settles). */
  stop(): Promise<void>;
}

/**
 * Runs `work` while this replica holds the Lease (controller, committer, SSVirt controller): the
 * leader gauge and the "Started/Stopped leading" log lines are set here, once for all of them.
 * Without leader election the work starts at once and the gauge says 1.
 */
export function startLeadership(settings: LeadershipSettings, kubeConfig: KubeConfig, logger: Logger, gauge: { set(value: number): void }, work: GuardedWork): Leadership {
  if (!settings.enabled) {
    gauge.set(1);
    work.start();
    return {
      isLeader: true,
      stop: async () => {
        await work.stop();
      },
    };
  }
  const elector = new LeaderElector({
    kubeConfig,
    namespace: settings.namespace,
    name: settings.name,
    identity: settings.identity,
    logger,
    onStartedLeading: () => {
      gauge.set(1);
      logger.info({ identity: settings.identity }, "Started leading");
      work.start();
    },
    onStoppedLeading: () => {
      gauge.set(0);
      logger.info({ identity: settings.identity }, "Stopped leading");
      return work.stop();
    },
  });
  elector.start();
  return {
    get isLeader() {
      return elector.isLeader;
    },
    stop: () => elector.stop(),
  };
}
