// A free TCP port on the loopback interface, for a server that must be told its port before it
// starts (moto_server, DynamoDB Local); one that listens itself asks for port 0 instead.
import { createServer, type AddressInfo } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
