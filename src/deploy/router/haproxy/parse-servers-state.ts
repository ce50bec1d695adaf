/** One server slot as `show servers state <backend>` reports it. */
export interface ServerSlotState {
  backend: string;
  server: string;
  address: string;
  port: number;
  /** srv_op_state 2: running. */
  running: boolean;
  /** Forced, inherited or resolver maintenance (SRV_ADMF_FMAINT|IMAINT|RMAINT = 0x23). */
  maintenance: boolean;
  weight: number;
}

/** Parses by the header's column names, so added columns in later versions do not shift anything. */
export function parseServersState(text: string): ServerSlotState[] {
  const lines = text.split('\n').map((l) => l.trim());
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) return [];
  const columns = header.slice(2).split(' ');
  const at = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
  return lines
    .filter((l) => l !== '' && !l.startsWith('#') && l.includes(' '))
    .map((l) => l.split(' '))
    .map((row) => ({
      backend: at(row, 'be_name'),
      server: at(row, 'srv_name'),
      address: at(row, 'srv_addr'),
      port: Number(at(row, 'srv_port')),
      running: at(row, 'srv_op_state') === '2',
      maintenance: (Number(at(row, 'srv_admin_state')) & 0x23) !== 0,
      weight: Number(at(row, 'srv_uweight')),
    }));
}
