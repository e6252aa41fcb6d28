package budgetgate.lib.gate

import data.budgetgate.lib.format
import data.budgetgate.lib.violation.violation

# Checks on the budget data. Each of these is a violation, unless the deploy
# type fails open, which turns it into a warning.

_data_problems(context) := ((((_unknown_age(context) | _unknown_clock(context)) | _old_data(context)) | _unknown_vertical(context)) | _missing_budgets(context)) | _denied_no_data(context)

_engine_advice := "Check that the budget engine is running and re-export the bundle"

_unknown_age(context) := {violation("stale_budgets", {}, message) |
	missing := {field | some field in ["computed_at_ns", "config"]; not _freshness_field_valid(context.doc, field)}
	count(missing) > 0
	message := sprintf("budget data has no %s, so its age is unknown. %s", [concat(" and no ", sort(missing)), _engine_advice])
}

_freshness_field_valid(doc, "computed_at_ns") if is_number(doc.computed_at_ns)

_freshness_field_valid(doc, "config") if is_object(doc.config)

_unknown_clock(context) := {violation("stale_budgets", {}, message) |
	not is_number(context.now_ns)
	message := "the current time is not a number, so the age of the budget data is unknown"
}

# Budget data is stale when it is older than stale_after_seconds. Data
# computed after now_ns, which clock skew can cause, is not stale.
_old_data(context) := {violation("stale_budgets", {}, message) |
	is_object(context.doc.config)
	computed_at_ns := context.doc.computed_at_ns
	is_number(computed_at_ns)

	limit_seconds := _stale_after_seconds(context)
	age_ns := context.now_ns - computed_at_ns
	age_ns > limit_seconds * 1000000000

	age_minutes := format.one_decimal(age_ns / 60000000000)
	limit_minutes := format.one_decimal(limit_seconds / 60)
	message := sprintf("budget data is %s minutes old, older than the %s-minute limit. %s", [age_minutes, limit_minutes, _engine_advice])
}

_unknown_vertical(context) := {violation("unknown_vertical", {"vertical": context.vertical}, message) |
	context.vertical != null
	not _vertical_known(context)
	message := sprintf("vertical %s has no budgets in the budget data, known verticals are %s. Check the vertical name, or that the budget engine computes budgets for it", [format.quoted(context.vertical), _known_verticals(context)])
}

_missing_budgets(context) := {violation("missing_budget", {"vertical": context.vertical, "budget": name}, message) |
	_vertical_known(context)
	some name in _required_budgets(context)
	not _budget_entry(context, name)
	message := sprintf("%s budget of %s is missing from the budget data, and %s deploys require it. Check that the budget engine computes it", [name, context.vertical, context.type])
}

_no_data(context) := {violation("no_data", {"vertical": context.vertical, "budget": name}, message) |
	some name in _required_budgets(context)
	entry := _budget_entry(context, name)
	not _has_data(entry)
	message := sprintf("%s budget of %s has no data (no eligible events in its window), so %s deploys cannot be judged against it", [name, context.vertical, context.type])
}

_denied_no_data(context) := _no_data(context) if not _no_data_allowed(context)

_denied_no_data(context) := set() if _no_data_allowed(context)

_allowed_no_data(context) := {violation(finding.code, finding, message) |
	_no_data_allowed(context)
	some finding in _no_data(context)
	message := sprintf("%s. The no_data setting is \"allow\", so this is a warning", [finding.message])
}

# Checks on the remaining budget. Low budgets deny even when the deploy type
# fails open.

_low_budgets(context) := {violation("budget_below_threshold", fields, message) |
	some name in _required_budgets(context)
	entry := _budget_entry(context, name)
	_has_data(entry)

	block := _threshold(context, "block")
	entry.remaining < block

	fields := {"vertical": context.vertical, "budget": name, "remaining": entry.remaining, "threshold": block}
	message := sprintf("%s budget of %s has %s remaining, below the %s required for %s deploys%s", [name, context.vertical, format.percent(entry.remaining), format.percent(block), context.type, _recovery_text(context, entry, block)])
}

# When the budget engine knows when a blocked budget climbs back above the
# block threshold (recovers_at_ns: old bad events leave the rolling window and
# no new ones arrive), the message says how many hours that is from now.
_recovery_text(context, entry, block) := text if {
	recovers_at_ns := entry.recovers_at_ns
	is_number(recovers_at_ns)
	is_number(context.now_ns)
	recovers_at_ns > context.now_ns

	text := sprintf(". If no new errors arrive, it climbs back above %s in about %s as old errors leave the window", [format.percent(block), _duration_text(recovers_at_ns - context.now_ns)])
} else := ""

# A duration in hours below two days and in days from two days on, with one decimal.
_duration_text(duration_ns) := concat(" ", [format.one_decimal(duration_ns / 3600000000000), "hours"]) if {
	duration_ns < 172800000000000
} else := concat(" ", [format.one_decimal(duration_ns / 86400000000000), "days"])

_escalations(context) := {violation("budget_escalation", fields, message) |
	some name in _required_budgets(context)
	entry := _budget_entry(context, name)
	_has_data(entry)

	escalate := _threshold(context, "escalate")
	entry.remaining < escalate

	fields := {"vertical": context.vertical, "budget": name, "remaining": entry.remaining, "threshold": escalate}
	message := sprintf("%s budget of %s has %s remaining, below the %s escalation threshold for %s deploys, so the engineering manager is paged", [name, context.vertical, format.percent(entry.remaining), format.percent(escalate), context.type])
}

_budget_warnings(context) := {violation("budget_warning", fields, message) |
	some name in _required_budgets(context)
	entry := _budget_entry(context, name)
	_has_data(entry)

	block := _threshold(context, "block")
	warn := _threshold(context, "warn")
	entry.remaining >= block
	entry.remaining < warn

	fields := {"vertical": context.vertical, "budget": name, "remaining": entry.remaining, "threshold": warn}
	message := sprintf("%s budget of %s has %s remaining, below the %s warning threshold for %s deploys, which are blocked below %s", [name, context.vertical, format.percent(entry.remaining), format.percent(warn), context.type, format.percent(block)])
}

# A page-level burn-rate alert means the budget is being spent fast right
# now, even when enough of it remains to allow the deploy.
_burn_alerts(context) := {violation("burn_rate_alert", fields, message) |
	some name in _required_budgets(context)
	entry := _budget_entry(context, name)
	_has_data(entry)
	object.get(entry, "alert", "none") == "page"

	fields := {"vertical": context.vertical, "budget": name, "remaining": entry.remaining, "threshold": null}
	message := sprintf("%s budget of %s has a page-level burn-rate alert firing with %s remaining, so this %s deploy lands while the budget burns fast", [name, context.vertical, format.percent(entry.remaining), context.type])
}
