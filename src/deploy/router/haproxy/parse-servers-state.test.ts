import { expect, it } from 'vitest';
import { parseServersState } from './parse-servers-state.js';

// Verbatim from HAProxy 2.6.12 `show servers state svc0`: one slot ready, one still in config maintenance.
const sample = `1
# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port
4 svc0 1 svc0s0 127.0.0.1 2 4 10 0 0 1 0 0 8 0 0 0 - 45600 - 0 0 - - 0
4 svc0 2 svc0s1 127.0.0.1 0 5 0 0 1 1 0 0 8 0 0 0 - 1 - 0 0 - - 0

`;

it('reads slots by column name', () => {
  expect(parseServersState(sample)).toEqual([
    { backend: 'svc0', server: 'svc0s0', address: '127.0.0.1', port: 45600, running: true, maintenance: false, weight: 10 },
    { backend: 'svc0', server: 'svc0s1', address: '127.0.0.1', port: 1, running: false, maintenance: true, weight: 0 },
  ]);
});

it('gives nothing for an answer without a header', () => {
  expect(parseServersState("Can't find backend.\n")).toEqual([]);
});
