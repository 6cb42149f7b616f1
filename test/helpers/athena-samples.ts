import { AthenaEndpoint } from './athena-endpoint.js';
import { runCli } from './cli.js';

/**
 * The bundled samples ingested with their boundary policy into `dir`, served by the local Athena
 * endpoint as the committed tables of database `ciphertrail`: the deployed side of a report.
 */
export async function athenaOverSamples(dir: string): Promise<AthenaEndpoint> {
  await runCli(['ingest', 'samples/flow-logs', '--out', dir, '--boundaries', 'samples/boundaries.json', '--quiet']);
  const athena = await AthenaEndpoint.start({ stagingDir: dir });
  await athena.standInCommittedTables();
  return athena;
}
