export {
  FORECAST_DEFAULTS,
  forecastBudget,
  type BudgetForecast,
  type Exhaustion,
  type ForecastInput,
  type ForecastMethod,
  type Recovery,
  type RecoveryAssumption,
} from "./forecast.ts";
export { PARAMETER_GRID, type HoltWintersParameters } from "./holt-winters.ts";
export { HOUR_MS, type HourlyCounts } from "./series.ts";
