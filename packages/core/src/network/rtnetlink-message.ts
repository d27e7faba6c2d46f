/**
 * rtnetlink(7) messages, built as the kernel reads them: a 16-byte nlmsghdr, a 16-byte
 * ifinfomsg, then attributes (2-byte length, 2-byte type, the value, padded to 4 bytes),
 * some nested. Only what a veth for a container needs.
 */

export const RTM_NEWLINK = 16;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_EXCL = 0x200;
const NLM_F_CREATE = 0x400;
const NLA_F_NESTED = 0x8000;

// if_link.h, veth.h and the bridge port attributes.
const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_NET_NS_PID = 19;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_INFO_SLAVE_KIND = 4;
const IFLA_INFO_SLAVE_DATA = 5;
const VETH_INFO_PEER = 1;
const IFLA_BRPORT_MODE = 4; // hairpin
const IFF_UP = 0x1;

const align4 = (length: number) => (length + 3) & ~3;

/** One attribute; a nested one is given its children, already encoded. */
export function attribute(type: number, value: Buffer | Buffer[]): Buffer {
  const nested = Array.isArray(value);
  const payload = nested ? Buffer.concat(value) : value;
  const header = Buffer.alloc(4);
  header.writeUInt16LE(4 + payload.length, 0);
  header.writeUInt16LE(nested ? type | NLA_F_NESTED : type, 2);
  return Buffer.concat([header, payload, Buffer.alloc(align4(payload.length) - payload.length)]);
}

const text = (value: string) => Buffer.from(`${value}\0`, 'latin1');
const u32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value, 0);
  return buffer;
};
const mac = (value: string) =>
  Buffer.from(value.split(':').map((byte) => Number.parseInt(byte, 16)));

/** struct ifinfomsg: family, type, index, flags and which flags to change. */
function interfaceInfo(index: number, up: boolean): Buffer {
  const info = Buffer.alloc(16);
  info.writeInt32LE(index, 4);
  info.writeUInt32LE(up ? IFF_UP : 0, 8);
  info.writeUInt32LE(up ? IFF_UP : 0, 12);
  return info;
}

function message(type: number, flags: number, sequence: number, body: Buffer[]): Buffer {
  const payload = Buffer.concat(body);
  const header = Buffer.alloc(16);
  header.writeUInt32LE(16 + payload.length, 0);
  header.writeUInt16LE(type, 4);
  header.writeUInt16LE(flags, 6);
  header.writeUInt32LE(sequence, 8);
  return Buffer.concat([header, payload]);
}

export interface VethRequest {
  hostName: string;
  mtu: number;
  /** The bridge the host's end joins, by interface index. */
  bridgeIndex: number;
  peerName: string;
  peerMac: string;
  /** The process whose network namespace the peer is born in. */
  peerNamespacePid: number;
}

/**
 * `ip link add HOST mtu M master BRIDGE up type veth peer name eth0 mtu M address MAC
 * netns PID` as one message: the pair, the peer in the container's namespace, the host's
 * end on the bridge and up.
 */
export function newVethMessage(request: VethRequest, sequence: number): Buffer {
  const peer = Buffer.concat([
    interfaceInfo(0, false),
    attribute(IFLA_IFNAME, text(request.peerName)),
    attribute(IFLA_MTU, u32(request.mtu)),
    attribute(IFLA_ADDRESS, mac(request.peerMac)),
    attribute(IFLA_NET_NS_PID, u32(request.peerNamespacePid)),
  ]);
  return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, sequence, [
    interfaceInfo(0, true),
    attribute(IFLA_IFNAME, text(request.hostName)),
    attribute(IFLA_MTU, u32(request.mtu)),
    attribute(IFLA_MASTER, u32(request.bridgeIndex)),
    attribute(IFLA_LINKINFO, [
      attribute(IFLA_INFO_KIND, text('veth')),
      attribute(IFLA_INFO_DATA, [attribute(VETH_INFO_PEER, peer)]),
    ]),
  ]);
}

/** `ip link set dev INDEX type bridge_slave hairpin on`: the port may send back where it received. */
export function hairpinMessage(index: number, sequence: number): Buffer {
  return message(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, sequence, [
    interfaceInfo(index, false),
    attribute(IFLA_LINKINFO, [
      attribute(IFLA_INFO_SLAVE_KIND, text('bridge')),
      attribute(IFLA_INFO_SLAVE_DATA, [attribute(IFLA_BRPORT_MODE, Buffer.from([1]))]),
    ]),
  ]);
}

/**
 * The kernel's answer to a request sent with NLM_F_ACK: an NLMSG_ERROR whose error is 0
 * (done) or minus an errno. Returns that errno (0 for success) for `sequence`.
 */
export function acknowledgement(answer: Buffer, sequence: number): number | undefined {
  for (let offset = 0; offset + 16 <= answer.length; ) {
    const length = answer.readUInt32LE(offset);
    if (length < 16) break;
    const type = answer.readUInt16LE(offset + 4);
    if (type === NLMSG_ERROR && answer.readUInt32LE(offset + 8) === sequence) {
      const error = answer.readInt32LE(offset + 16);
      return error === 0 ? 0 : -error;
    }
    offset += align4(length);
  }
  return undefined;
}
