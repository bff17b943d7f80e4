import type { Location } from '../errors.js';
import { inPhase, type Phase, type Reporter, type RolloutEvent } from '../events.js';
import { SecretMask } from '../mask.js';

interface Stream {
  write(text: string): unknown;
  isTTY?: boolean;
}

const COLOURS = { bold: '1', dim: '2', red: '31', green: '32', yellow: '33', cyan: '36' } as const;

/** The same story as the action's log, on a terminal: colours only on a TTY, secrets masked. */
export class TerminalReporter implements Reporter {
  readonly events: RolloutEvent[] = [];
  private readonly secrets = new SecretMask();
  private readonly colour: boolean;

  constructor(private readonly out: Stream = process.stderr) {
    this.colour = Boolean(out.isTTY) && !process.env.NO_COLOR;
  }

  private paint(colour: keyof typeof COLOURS, text: string): string {
    return this.colour ? `\x1b[${COLOURS[colour]}m${text}\x1b[0m` : text;
  }

  mask(text: string): string {
    return this.secrets.mask(text);
  }

  private write(text: string): void {
    this.out.write(`${this.mask(text)}\n`);
  }

  info(message: string): void {
    this.write(message);
  }
  notice(message: string, where?: Location): void {
    this.write(`${this.paint('cyan', 'notice')} ${at(where)}${message}`);
  }
  warning(message: string, where?: Location): void {
    this.write(`${this.paint('yellow', 'warning')} ${at(where)}${message}`);
  }
  error(message: string, where?: Location): void {
    this.write(`${this.paint('red', 'error')} ${at(where)}${message}`);
  }

  phase<T>(phase: Phase, title: string, fn: () => Promise<T>): Promise<T> {
    this.write(this.paint('bold', `▸ ${title}`));
    return inPhase((e) => this.event(e), phase, title, fn);
  }

  event(event: RolloutEvent): void {
    this.events.push(event);
    if (event.kind === 'verdict') {
      const colour = event.status === 'succeeded' ? 'green' : 'red';
      this.write(this.paint(colour, event.headline ?? `${event.status}: ${event.reason}`));
    }
  }

  secret(value: string): void {
    this.secrets.add(value);
  }
}

function at(where?: Location): string {
  if (!where?.file) return '';
  return `${where.file}${where.line ? `:${where.line}` : ''}: `;
}
