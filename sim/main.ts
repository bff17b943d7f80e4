/**
 * `npm run sim -- [--seed] [--port N] [--time-scale X] [--random-seed N] [--cloudwatch-delay-ms N]`: runs the local
 * ECS in the foreground. The first line printed is always `listening on <url>` so a
 * parent process can read the URL; with --seed the scenario's ARNs follow as JSON.
 */
import { startSim } from './server.js';

interface Args {
  seed: boolean;
  port: number;
  timeScale: number;
  randomSeed?: number;
  cloudwatchDelayMs?: number;
}

function usage(problem: string): never {
  console.error(`${problem}\nusage: npm run sim -- [--seed] [--port N] [--time-scale X] [--random-seed N] [--cloudwatch-delay-ms N]`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seed: false, port: 0, timeScale: 1 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = (): number => {
      const raw = inline ?? argv[++i];
      const n = Number(raw);
      if (raw === undefined || !Number.isFinite(n)) usage(`${flag} needs a number, got ${raw ?? 'nothing'}`);
      return n;
    };
    if (flag === '--seed') args.seed = true;
    else if (flag === '--port') args.port = value();
    else if (flag === '--time-scale') args.timeScale = value();
    else if (flag === '--random-seed') args.randomSeed = value();
    else if (flag === '--cloudwatch-delay-ms') args.cloudwatchDelayMs = value();
    else usage(`unknown argument ${flag}`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const sim = await startSim({
  port: args.port,
  timeScale: args.timeScale,
  randomSeed: args.randomSeed,
  cloudwatchDelayMs: args.cloudwatchDelayMs
});
console.log(`listening on ${sim.url}`);
if (args.seed) console.log(JSON.stringify(await sim.seed(), null, 2));

const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
// The world's ticker is unref'd; this keeps the process in the foreground.
setInterval(() => undefined, 1 << 30);
