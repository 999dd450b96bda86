/**
 * Query ids as ksqlDB makes them: `CSAS_<SINK>_<n>`, `CTAS_<SINK>_<n>`, `INSERTQUERY_<n>` for
 * persistent queries (n: the statement's sequence number in the command log), and
 * `transient_<SOURCE>_<n>` for push queries.
 */
export function persistentQueryId(statement: 'CSAS' | 'CTAS' | 'INSERT', sinkName: string, number: number): string {
  if (statement === 'INSERT') return `INSERTQUERY_${number}`;
  return `${statement}_${sinkName.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_${number}`;
}

export function transientQueryId(sourceName: string, number: number): string {
  return `transient_${sourceName.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}_${number}`;
}
