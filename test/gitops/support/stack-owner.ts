// Test helper process: starts a ProcessStack with Redis and the Git server (what the gitops stack
// is made of besides Argo CD, which is spawned the same way), prints its state as one JSON line,
// then idles until it is killed. Used by stack-lifecycle.test.ts to prove the teardown on signals.
//   node --import tsx test/gitops/support/stack-owner.ts <tmpBase>
import { ProcessStack } from "../../../scripts/cluster/process-stack.ts";
import { startGitServer } from "../../../scripts/cluster/git-server.ts";
import { startRedis } from "../../../scripts/cluster/redis.ts";

async function main(): Promise<void> {
  const stack = await ProcessStack.create({ label: "owner", tmpBase: process.argv[2]! });
  const [redis, git] = await Promise.all([startRedis(stack), startGitServer(stack)]);
  process.stdout.write(`${JSON.stringify({ ...stack.state(), ports: [redis.port, git.port] })}\n`);
  setInterval(() => {}, 1 << 30);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
