/**
 * Calls the agent's `system.info` over HTTP without pause, IN_FLIGHT calls at a time,
 * from a process of its own so that a test measuring the agent's latency does not share
 * an event loop with the load. Usage: node system-info-caller.js URL TOKEN IN_FLIGHT.
 * Prints "calling" when it starts calling; stops on SIGTERM and prints how many calls it
 * made.
 */
const [url = '', token = '', inFlight = '4'] = process.argv.slice(2);
let calls = 0;
let running = true;
process.once('SIGTERM', () => {
  running = false;
});

async function callInALoop(): Promise<void> {
  while (running) {
    const response = await fetch(`${url}/api/trpc/system.info`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`system.info answered ${response.status}`);
    calls++;
  }
}

const loops = Array.from({ length: Number(inFlight) }, callInALoop);
console.log('calling');
await Promise.all(loops);
console.log(JSON.stringify({ calls }));
