export {
  DEFAULT_PAGERDUTY_URL,
  ESCALATION_ENVIRONMENT,
  PAGERDUTY_SEVERITIES,
  escalationConfigSchema,
  loadEscalationConfig,
  parseEscalationConfig,
  type EscalationConfig,
  type EscalationConfigInput,
} from "./config.ts";
export type { DeliveryOutcome, DeliveryResult } from "./deliver.ts";
export { Escalator, type BudgetState, type EpisodeChange, type EscalationReport, type EscalatorOptions } from "./escalator.ts";
export type { FetchFunction } from "./http.ts";
export {
  adminPageUrl,
  buildPagerDutyEvent,
  buildSlackMessage,
  summarizeNotice,
  type EscalationAction,
  type EscalationNotice,
  type PagerDutyResolve,
  type PagerDutyTrigger,
  type SlackMessage,
} from "./payloads.ts";
export type { Channel, DeliveryStatus } from "./store.ts";
