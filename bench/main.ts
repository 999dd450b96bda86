/**
 * `npm run bench -- NAME [options]`: runs one benchmark from bench/. Each prints a readable
 * table, then one JSON line `{"bench": NAME, "figures": {...}, "ratios": {...}}`.
 */
const available = ['log', 'kafka', 'stateless', 'aggregate', 'join', 'push', 'nexmark'];

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  if (!name || name === '--help' || name === '-h') {
    console.log(`usage: npm run bench -- NAME [options]\nbenchmarks: ${available.join(', ')}`);
    return;
  }
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`benchmark name: expected one of ${available.join(', ')}, found ${JSON.stringify(name)}`);
  let module: { run?: (args: string[]) => Promise<void> };
  try {
    module = await import(`./${name}.js`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`no benchmark named ${JSON.stringify(name)}: expected one of ${available.join(', ')}`);
    }
    throw error;
  }
  if (typeof module.run !== 'function') throw new Error(`bench/${name} exports no run(args)`);
  await module.run(args);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
