/** The bus topic decisions are published to, as `Decision` protobuf (decision-message.ts). */
export const decisionsTopic = 'decisions';
