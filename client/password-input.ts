// A password for `duban user add`: typed at a terminal without echo (asked twice), or the first line of stdin
// when piped (`echo "$PW" | npm run duban -- user add …`). Never an argument, which `ps` would show.
import { createInterface } from 'node:readline';

function readLineQuietly(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const quiet = rl as unknown as { _writeToOutput: (s: string) => void; output: NodeJS.WriteStream };
    let prompted = false;
    quiet._writeToOutput = (s: string) => {
      if (!prompted) {
        quiet.output.write(s);
        prompted = true;
      }
    };
    rl.question(prompt, (answer) => {
      process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    rl.once('SIGINT', () => {
      rl.close();
      reject(new Error('已取消'));
    });
  });
}

async function firstLineOfStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0];
}

export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await readLineQuietly('新密码（至少 8 位）：');
  const second = await readLineQuietly('再输入一次：');
  if (first !== second) throw new Error('两次输入的密码不一致');
  return first;
}
