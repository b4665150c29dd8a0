/**
 * @module main
 * The `keten` command line. Each command lives in `commands/`; this file declares the options,
 * opens the backend (local store or server) and turns every failure into a message and an exit status.
 */
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Backend, BackendOptions } from './backend.ts';
import { registerAccessCommands } from './commands/access.ts';
import {
  type DecoupleCommandOptions,
  decoupleCommand,
  parseServiceLevel,
  positiveNumber,
} from './commands/decouple.ts';
import { appendCommand, eventsListCommand } from './commands/events.ts';
import { generateCommand } from './commands/generate.ts';
import {
  diffCommand,
  importCommand,
  listCommand,
  showCommand,
  versionsCommand,
} from './commands/networks.ts';
import { registerNodeCommands } from './commands/node.ts';
import { type PlanCommandOptions, planCommand } from './commands/plan.ts';
import { type ReplanCommandOptions, replanCommand } from './commands/replan.ts';
import { parseCarbonPrice, type ReshoreCommandOptions, reshoreCommand } from './commands/reshore.ts';
import { registerServeCommands } from './commands/serve.ts';
import { type SimulateCommandOptions, simulateCommand } from './commands/simulate.ts';
import { parseFill, parseStep, type SourcingCommandOptions, sourcingCommand } from './commands/sourcing.ts';
import { parseTtr, type StressTestCommandOptions, stressTestCommand } from './commands/stress-test.ts';
import { validateCommand } from './commands/validate.ts';
import { type WorkerCommandOptions, workerCommand } from './commands/worker.ts';
import { CliError, EXIT } from './errors.ts';
import { type Output, processOutput } from './output.ts';

export const VERSION = '0.1.0';

/** A whole number within [min, max], for commander options. */
export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return value;
  };
}

const maxBytesOption = () =>
  new Option('--max-bytes <bytes>', 'refuse network files larger than this (default 512 MiB)').argParser(
    integer('--max-bytes', 1),
  );

/** Adds --db, --server and --token to a command that works on a store. */
function storeOptions(command: Command): Command {
  return command
    .option(
      '--db <dir>',
      'embedded store folder (default: $KETEN_HOME/store, KETEN_HOME defaults to ~/.keten)',
    )
    .option('--server <url>', 'work against a keten server instead of a local store (or KETEN_SERVER)')
    .option('--token <token>', 'API token for --server (or KETEN_TOKEN)');
}

/**
 * Opens the backend the options name. `backend.ts` brings in the store (PGlite), so it is loaded only
 * by the commands that use one: `keten validate` or `keten --help` start in half the time.
 */
async function openBackend(options: BackendOptions): Promise<Backend> {
  const backend = await import('./backend.ts');
  return backend.openBackend(options);
}

/** Runs `work` with the backend the options name, and closes it afterwards. */
async function withBackend(
  options: BackendOptions,
  work: (backend: Backend) => Promise<void>,
): Promise<void> {
  const backend = await openBackend(options);
  try {
    await work(backend);
  } finally {
    await backend.close();
  }
}

export function buildProgram(output: Output): Command {
  const program = new Command('keten')
    .description('keten: robust, flexible and digitally connected production networks')
    .version(VERSION)
    // Program options only before the command, so `keten show NETWORK --version 2` is show's option.
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
    })
    .exitOverride();

  program
    .command('validate')
    .description('check a network file (YAML, JSON) or CSV folder and list every problem')
    .argument('<path>', 'network file or CSV folder')
    .option('--json', 'print the result as JSON')
    .addOption(maxBytesOption())
    .action((path: string, options: { json?: boolean; maxBytes?: number }) =>
      validateCommand(path, options, output),
    );

  program
    .command('generate')
    .description('generate a synthetic network, byte-identical for the same seed')
    .requiredOption('--companies <n>', 'number of companies', integer('--companies', 1, 1_000_000))
    .requiredOption('--seed <s>', 'random seed', integer('--seed', 0, 2 ** 32 - 1))
    .option('--horizon <periods>', 'periods to plan (default 52)', integer('--horizon', 1, 3660))
    .option('--out <file>', 'write to this file (.json or .yaml); default stdout')
    .option('--format <format>', 'json or yaml (default: from --out, else json)')
    .action((options: { companies: number; seed: number; horizon?: number; out?: string; format?: string }) =>
      generateCommand(options, output),
    );

  storeOptions(
    program
      .command('import')
      .description('import a network file or CSV folder as a new version')
      .argument('<path>', 'network file or CSV folder')
      .option('--name <name>', "network name (default: the file's name field)")
      .option('--json', 'print the new version as JSON')
      .addOption(maxBytesOption()),
  ).action((path: string, options: BackendOptions & { name?: string; json?: boolean; maxBytes?: number }) =>
    importCommand(() => openBackend(options), path, options, output),
  );

  storeOptions(
    program.command('networks').description('list the networks in the store').option('--json', 'print JSON'),
  ).action((options: BackendOptions & { json?: boolean }) =>
    withBackend(options, (backend) => listCommand(backend, options, output)),
  );

  storeOptions(
    program
      .command('versions')
      .description('list the versions of a network')
      .argument('<network>', 'network name')
      .option('--json', 'print JSON'),
  ).action((network: string, options: BackendOptions & { json?: boolean }) =>
    withBackend(options, (backend) => versionsCommand(backend, network, options, output)),
  );

  storeOptions(
    program
      .command('show')
      .description('show a stored network (the latest version unless --version)')
      .argument('<network>', 'network name')
      .option('--version <n>', 'version number', integer('--version', 1))
      .option('--json', 'print the network document as JSON'),
  ).action((network: string, options: BackendOptions & { version?: number; json?: boolean }) =>
    withBackend(options, (backend) => showCommand(backend, network, options, output)),
  );

  storeOptions(
    program
      .command('diff')
      .description('compare two network files, or two stored versions: diff NETWORK FROM [TO]')
      .argument('<a>', 'first file, or a network name')
      .argument('<b>', 'second file, or the version to compare from')
      .argument('[to]', 'the version to compare to (default: latest)')
      .option('--json', 'print the diff as JSON')
      .addOption(maxBytesOption()),
  ).action(
    (
      a: string,
      b: string,
      to: string | undefined,
      options: BackendOptions & { json?: boolean; maxBytes?: number },
    ) => diffCommand(() => openBackend(options), a, b, to, options, output),
  );

  storeOptions(
    program
      .command('plan')
      .description('plan a network across all tiers: shortages and their causes, bottlenecks, load per tier')
      .argument('<network>', 'network file or CSV folder, or the name of a stored network')
      .option(
        '--horizon <periods>',
        "periods to plan (default: the network's horizon, which it may shorten, not extend)",
        integer('--horizon', 1, 3660),
      )
      .option(
        '--build-ahead <periods>',
        'how many periods earlier production may start, or a purchase arrive, when the due period is full (default 4)',
        integer('--build-ahead', 0, 3660),
      )
      .option(
        '--frozen <periods>',
        'periods from 0 in which no new order may start (default 0)',
        integer('--frozen', 0, 3660),
      )
      .option('--no-pegging', 'leave pegging out of --json and --csv (faster, smaller)')
      .addOption(new Option('--json', 'print the whole plan as JSON, alone on stdout').conflicts('csv'))
      .addOption(
        new Option(
          '--csv <dir>',
          'write orders, deliveries, shortages, bottlenecks and pegging as CSV files into DIR',
        ).conflicts(['json', 'out']),
      )
      .option('--out <file>', 'write the JSON or the summary to FILE (atomically) instead of stdout')
      .option('--version <n>', 'version of a stored network (default: the latest)', integer('--version', 1))
      .addOption(maxBytesOption()),
  ).action((network: string, options: BackendOptions & PlanCommandOptions) =>
    planCommand(network, options, output, () => openBackend(options)),
  );

  program
    .command('stress-test')
    .description(
      'time to survive, loss while down for the time to recover, and risk exposure of every company (Simchi-Levi et al. 2015)',
    )
    .argument('<network>', 'network file or CSV folder')
    .option('--ttr <periods>', 'time to recover of a company without a ttr of its own (default 4)', parseTtr)
    .option(
      '--threads <n>',
      'worker threads solving the LPs (default: one a core, up to 4, from 1,000 companies; else 1, in this thread)',
      integer('--threads', 1, 256),
    )
    .addOption(
      new Option('--disruption <what>', 'what stops when a company is down (default site)').choices([
        'site',
        'production',
      ]),
    )
    .addOption(
      new Option('--capacity <which>', 'capacity the others work to (default normal)').choices([
        'normal',
        'maximum',
      ]),
    )
    .option('--limit <n>', 'companies in the table (default 20)', integer('--limit', 1))
    .option('--json', 'print the whole result as JSON, alone on stdout')
    .option('--out <file>', 'write the JSON or the summary to FILE (atomically) instead of stdout')
    .addOption(maxBytesOption())
    .action((network: string, options: StressTestCommandOptions) =>
      stressTestCommand(network, options, output),
    );

  storeOptions(
    program
      .command('simulate')
      .description(
        'play a scenario forward on a network, many runs over (Monte Carlo): fill rates, backorders, the bullwhip, cash and bankruptcies per company, tier and network',
      )
      .argument('<network>', 'network file or CSV folder, or the name of a stored network')
      .requiredOption('--scenario <file>', 'the scenario (keten.scenario/v1, YAML or JSON)')
      .option(
        '--runs <n>',
        "Monte Carlo runs (default: the scenario's runs, else 1)",
        integer('--runs', 1, 1_000_000),
      )
      .option('--seed <s>', "random seed (default: the scenario's seed, else 1)", integer('--seed', 0))
      .option(
        '--threads <n>',
        'worker threads (default: the available cores, at most one per run); the result is the same for any number',
        integer('--threads', 1, 256),
      )
      .option('--json', 'print the whole result as JSON, alone on stdout')
      .option('--report <file>', 'also write a self-contained HTML page with plots to FILE (.html)')
      .option('--stress', "add the stress test's time-to-survive / time-to-recover chart to --report")
      .option('--out <file>', 'write the JSON or the summary to FILE (atomically) instead of stdout')
      .option('--version <n>', 'version of a stored network (default: the latest)', integer('--version', 1))
      .option(
        '--nats <url>',
        'fan the runs out to keten worker processes over NATS JetStream (or NATS_URL) instead of local threads',
      )
      .option('--queue <name>', 'name of the work queue on NATS (or KETEN_QUEUE; default keten)')
      .addOption(maxBytesOption()),
  ).action((network: string, options: BackendOptions & SimulateCommandOptions) =>
    simulateCommand(network, options, output, () => openBackend(options)),
  );

  program
    .command('worker')
    .description(
      'do simulation runs for keten simulate on other machines: take tasks from the NATS JetStream work queue until SIGTERM',
    )
    .option('--nats <url>', 'the NATS server (or NATS_URL), e.g. nats://127.0.0.1:4222')
    .option(
      '--threads <n>',
      'tasks worked on at once, each on a thread (default: the available cores)',
      integer('--threads', 1, 256),
    )
    .option('--queue <name>', 'name of the work queue on NATS (or KETEN_QUEUE; default keten)')
    .action((options: WorkerCommandOptions) => workerCommand(options, output));

  program
    .command('decouple')
    .description(
      'place safety stock with the Guaranteed Service Model: service times, safety and base stock per stage, and the decoupling points (docs/decoupling.md)',
    )
    .argument(
      '<input>',
      'network file or CSV folder, or a Willems stage table (a .csv file starting stage_id)',
    )
    .option(
      '--service-level <p>',
      'service level of demands that give none (network; default 0.95), or of demand stages without ext_demand_thres (stage table)',
      parseServiceLevel,
    )
    .option(
      '--holding-rate <r>',
      "holding cost per unit per period as a share of the unit's value (default: the network's holdingRate; 1 for a stage table)",
      positiveNumber('--holding-rate', true),
    )
    .option(
      '--time-step <d>',
      'grid of service times in periods (default 1); processing times off the grid are rounded up',
      positiveNumber('--time-step'),
    )
    .option('--json', 'print the whole answer as JSON, alone on stdout')
    .option('--out <file>', 'write the JSON or the report to FILE (atomically) instead of stdout')
    .addOption(maxBytesOption())
    .action((input: string, options: DecoupleCommandOptions) => decoupleCommand(input, options, output));

  program
    .command('sourcing')
    .description(
      "compare the sourcing splits of one buyer's item (single, 70/30 and reversed, 60/20/20) under a standard set of disruptions, and recommend one",
    )
    .argument('<network>', 'network file or CSV folder')
    .requiredOption('--buyer <company>', 'the buying company')
    .requiredOption('--item <item>', 'the item it buys from two or more approved suppliers')
    .option(
      '--runs <n>',
      'Monte Carlo runs per split and scenario (default 50)',
      integer('--runs', 1, 100_000),
    )
    .option(
      '--seed <s>',
      'random seed (default 1); the same seed gives the same comparison',
      integer('--seed', 0),
    )
    .option(
      '--periods <n>',
      "periods to simulate (default 52, or the network's horizon when longer)",
      integer('--periods', 20, 5200),
    )
    .option(
      '--min-fill <share>',
      'worst-case end-customer fill rate a split must keep (default 0.8)',
      parseFill,
    )
    .option(
      '--optimise',
      'search every split in steps (and 1 to --max-sources sources) for the lowest expected cost, with the frontier of cost against fill rate',
    )
    .option(
      '--step <percent>',
      'with --optimise: the share step, a percentage that divides 100 (default 10)',
      parseStep,
    )
    .option(
      '--max-sources <n>',
      'with --optimise: the most suppliers in one split (default 3)',
      integer('--max-sources', 1, 20),
    )
    .option('--json', 'print the whole comparison as JSON, alone on stdout')
    .option('--out <file>', 'write the JSON or the report to FILE (atomically) instead of stdout')
    .addOption(maxBytesOption())
    .action((network: string, options: SourcingCommandOptions) => sourcingCommand(network, options, output));

  program
    .command('reshore')
    .description(
      'compare sourcing an item from several locations by total landed cost per unit (price, transport, duty, pipeline and safety stock, CO2, simulated disruption risk), with break-even carbon prices and a sensitivity table',
    )
    .argument('<case>', 'a keten.reshore/v1 case file (YAML or JSON; docs/reshoring.md)')
    .option(
      '--carbon-price <amount>',
      "price of a tonne of CO2e in the case currency (default the case's carbonPrice)",
      parseCarbonPrice,
    )
    .option(
      '--runs <n>',
      'Monte Carlo runs per location and disruption (default the case’s, else 20)',
      integer('--runs', 1, 1000),
    )
    .option(
      '--seed <s>',
      'random seed of the disruption simulation (default the case’s, else 1)',
      integer('--seed', 0),
    )
    .option('--json', 'print the whole comparison as JSON, alone on stdout')
    .option('--out <file>', 'write the JSON or the report to FILE (atomically) instead of stdout')
    .action((file: string, options: ReshoreCommandOptions) => reshoreCommand(file, options, output));

  storeOptions(
    program
      .command('replan')
      .description(
        're-plan a stored network after the planning events in the store: what changed since the plan last published, and who must be told',
      )
      .argument('<network>', 'the name of a stored network')
      .option('--version <n>', 'version to plan (default: the latest)', integer('--version', 1))
      .option('--json', 'print { diff, stats, through, … } as JSON, alone on stdout')
      .option('--dry-run', 'show the diff but record nothing (no plan.published event)'),
  ).action((network: string, options: BackendOptions & ReplanCommandOptions) =>
    replanCommand(network, options, output, () => openBackend(options)),
  );

  const events = program.command('events').description('the append-only event log');
  storeOptions(
    events
      .command('append')
      .description('append events from a JSON Lines file (or a JSON array); idempotent by key')
      .argument('<file>', "events file, or '-' for stdin")
      .option('--json', 'print the outcome as JSON'),
  ).action(async (file: string, options: BackendOptions & { json?: boolean }) => {
    const text =
      file === '-'
        ? await readStdin()
        : await readFile(file, 'utf8').catch((cause: Error) => {
            throw new CliError('notFound', `${file}: cannot be read (${cause.message})`);
          });
    await appendCommand(() => openBackend(options), file, text, options, output);
  });
  storeOptions(
    events
      .command('list')
      .description('list events in log order')
      .option('--after <sequence>', 'only events after this sequence number', integer('--after', 0))
      .option('--type <type>', 'only events of this type')
      .option('--source <source>', 'only events from this source')
      .option('--limit <n>', 'at most this many (default 1000)', integer('--limit', 1, 10_000))
      .option('--json', 'print JSON'),
  ).action(
    (
      options: BackendOptions & {
        after?: number;
        type?: string;
        source?: string;
        limit?: number;
        json?: boolean;
      },
    ) => withBackend(options, (backend) => eventsListCommand(backend, options, output)),
  );

  registerAccessCommands(program, output);
  registerServeCommands(program, output);
  registerNodeCommands(program, output);
  return program;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Runs the CLI with `argv` (without node and the script); returns the exit status. */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  const program = buildProgram(output);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    return report(error, output);
  }
}

function report(error: unknown, output: Output): number {
  if (error instanceof CommanderError) {
    // commander already printed its message; help and version are not failures.
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return EXIT.ok;
    }
    return EXIT.usage;
  }
  if (error instanceof CliError) {
    for (const line of error.details) output.err(line);
    if (error.message !== '') output.err(`keten: ${error.message}`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  output.err(`keten: internal error: ${message}`);
  if (process.env.KETEN_DEBUG && error instanceof Error && error.stack) output.err(error.stack);
  else output.err('This is a bug in keten; run again with KETEN_DEBUG=1 for details and report it.');
  return EXIT.internal;
}
