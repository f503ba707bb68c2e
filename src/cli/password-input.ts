import { AppError } from '../errors.ts';

/**
 * `readPasswordFromStdin`: a password from standard input, never from the command's arguments (which
 * other users of the machine can see). Piped input is read to its end and one trailing line break
 * removed; on a terminal it asks for the password without echoing it.
 */
export async function readPasswordFromStdin(
  stdin: NodeJS.ReadStream = process.stdin,
  prompt: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  const password = stdin.isTTY ? await readHidden(stdin, prompt) : await readAll(stdin);
  if (password === '')
    throw new AppError('VALIDATION_FAILED', '1 problem(s): password: nothing was read from standard input', {
      details: ['password: nothing was read from standard input'],
    });
  return password;
}

async function readAll(stdin: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function readHidden(stdin: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> {
  prompt.write('Password (not shown): ');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      prompt.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\r' || character === '\n' || character === '\u0004') return finish();
        if (character === '\u0003')
          return finish(new AppError('INVALID_ARGUMENT', 'Cancelled: no password was given.'));
        if (character === '\u007f' || character === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += character;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
