import type { Logger } from "pino";
import { ExitCode, type Terminal } from "./terminal.ts";

/** A long-running process as the commands start it: it serves metrics and stops cleanly. */
export interface RunningProcess {
  readonly metricsPort: number;
  close(): Promise<void>;
}

/**
 * Runs a controller-like command (controller, committer, ssvirt controller, migration controller):
 * starts it, reports the metrics port, waits for SIGTERM or SIGINT, closes it and exits 0. A start
 * failure is logged and reported on stderr, and exits 1.
 */
export async function serveUntilSignal(command: string, what: string, start: () => Promise<RunningProcess>, logger: Logger, terminal: Terminal): Promise<number> {
  let running: RunningProcess;
  try {
    running = await start();
  } catch (error) {
    logger.fatal({ err: (error as Error).message }, `Failed to start the ${what}`);
    terminal.stderr.write(`osac-vm ${command}: ${(error as Error).message}\n`);
    logger.flush();
    return ExitCode.failure;
  }
  terminal.stdout.write(`osac-vm ${command}: metrics on port ${running.metricsPort}\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
  });
  await running.close();
  logger.flush();
  setTimeout(() => process.exit(ExitCode.ok), 200).unref();
  return ExitCode.ok;
}
