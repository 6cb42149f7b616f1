/** Wall and CPU time (all threads of the process: zlib inflates on the libuv pool) since `start`. */
export function startClock(): () => { ms: number; cpuMs: number; maxRssMb: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return {
      ms: performance.now() - wall,
      cpuMs: (used.user + used.system) / 1000,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
  };
}
