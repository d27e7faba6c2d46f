import { createSocket } from 'node:dgram';
import dnsPacket, { type Answer } from 'dns-packet';

export interface StubUpstream {
  close(): Promise<void>;
}

/**
 * The upstream both DNS servers under test forward to, in the harness's own process: UDP
 * on `address:port`, an A record for each name of `records`, NXDOMAIN for every other
 * name. It stands for the host's resolver without any network beyond the bench's.
 */
export async function startStubUpstream(
  address: string,
  port: number,
  records: Readonly<Record<string, string>>,
): Promise<StubUpstream> {
  const socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    try {
      const query = dnsPacket.decode(message);
      const question = query.questions?.[0];
      const name = question?.name.toLowerCase() ?? '';
      const data = records[name];
      const answers: Answer[] =
        question?.type === 'A' && data ? [{ type: 'A', name: question.name, ttl: 60, data }] : [];
      const nxdomain = data === undefined ? 3 : 0;
      const reply = dnsPacket.encode({
        type: 'response',
        id: query.id,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | nxdomain,
        questions: query.questions,
        answers,
      });
      socket.send(reply, peer.port, peer.address);
    } catch {
      // Not a DNS query: nothing to answer.
    }
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, address, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return { close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
