/**
 * The SMTP server of `npm run bench:delivery`, in its own process: smtp-server on 127.0.0.1 that
 * reads each message whole and accepts it after the delay it is told (IPC `{ delay: ms }`).
 */
import { SMTPServer } from 'smtp-server';

const port = Number(process.argv[2]);
let delayMs = 0;
const server = new SMTPServer({
  logger: false,
  authOptional: true,
  disabledCommands: ['AUTH', 'STARTTLS'],
  hideSTARTTLS: true,
  disableReverseLookup: true,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.once('end', () => {
      if (delayMs > 0) setTimeout(() => callback(null, 'Ok'), delayMs);
      else callback(null, 'Ok');
    });
  },
});
server.on('error', () => {});
process.on('message', (message: { delay?: number }) => {
  if (typeof message.delay === 'number') delayMs = message.delay;
  process.send!('ok');
});
server.listen(port, '127.0.0.1', () => process.send!('ready'));
