/** The activity log's line for a run that found records withheld, naming the peers. */
export function withheldNote(tally: { withheld?: number; withheldFrom?: string[] } | null): {
  errorCode: 'records_withheld' | null;
  message: string | null;
} {
  if (!tally?.withheld) return { errorCode: null, message: null };
  const from = tally.withheldFrom?.length ? tally.withheldFrom.join(', ') : 'another device';
  return {
    errorCode: 'records_withheld',
    message: `The server withheld ${tally.withheld} record(s) that ${from} holds; asking again`,
  };
}
