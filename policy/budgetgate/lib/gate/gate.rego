# METADATA
# title: Deploy gate
# description: |-
#   Decides whether a deploy may ship, given the error budgets that its deploy
#   type depends on. The library reads neither input nor data: the adapters
#   pass the deploy descriptor, the budget data document and the current time,
#   so the REST and Kubernetes entrypoints share one set of rules.
package budgetgate.lib.gate

import data.budgetgate.lib.format
import data.budgetgate.lib.violation.ordered
import data.budgetgate.lib.violation.violation

# METADATA
# description: |-
#   Decides on one deploy. deploy is {"type", "vertical", "service",
#   "break_glass"}, budget_data is the data.budgetgate document and now_ns is
#   the current time in nanoseconds since the epoch. The result is always
#   defined: a missing or malformed argument produces violations, never an
#   undefined result. Findings about the budget data (stale data, unknown
#   vertical, missing or no-data budgets) are warnings instead of violations
#   when the deploy type has fail_open set.
decide(deploy, budget_data, now_ns) := {
	"allow": _allowed(violations, context.break_glass),
	"deploy": context.deploy,
	"required_budgets": _required_budgets(context),
	"violations": ordered(violations),
	"warnings": ordered(warnings),
	"escalations": ordered(_escalations(context)),
	"revision": object.get(context.doc, "revision", null),
	"break_glass": context.break_glass,
} if {
	context := _context(deploy, budget_data, now_ns)
	data_problems := _data_problems(context)

	violations := (_input_violations(context) | _low_budgets(context)) | _blocking(context, data_problems)
	warnings := (((_budget_warnings(context) | _burn_alerts(context)) | _allowed_no_data(context)) | _failed_open(context, data_problems)) | _break_glass_warning(context)
}

# The arguments, normalized so that every helper can read them without
# checking types: deploy and budget_data become objects, and type, vertical
# and break_glass become non-empty strings or null.
_context(deploy, budget_data, now_ns) := {
	"deploy": descriptor,
	"type": _name(descriptor, "type"),
	"vertical": _name(descriptor, "vertical"),
	"break_glass": _name(descriptor, "break_glass"),
	"doc": doc,
	"config": _object_or_empty(object.get(doc, "config", {})),
	"now_ns": now_ns,
} if {
	descriptor := _object_or_empty(deploy)
	doc := _object_or_empty(budget_data)
}

_object_or_empty(value) := value if is_object(value)

_object_or_empty(value) := {} if not is_object(value)

# A descriptor field that holds a name: a string that is not blank, or null.
_name(descriptor, key) := value if {
	value := descriptor[key]
	is_string(value)
	trim_space(value) != ""
} else := null

_allowed(violations, break_glass) if {
	count(violations) == 0
} else if {
	break_glass != null
} else := false

_blocking(context, problems) := problems if not _fail_open(context)

_blocking(context, _) := set() if _fail_open(context)

_failed_open(context, problems) := {violation(problem.code, problem, message) |
	_fail_open(context)
	some problem in problems
	message := sprintf("%s. %s deploys fail open, so this is a warning", [problem.message, context.type])
}

_fail_open(context) if _type_config(context).fail_open == true

# Configuration

# The configured deploy types. A type without a budgets array counts as not
# configured, so a deploy of that type is denied instead of checking nothing.
_deploy_types(context) := {name: type_config |
	some name, type_config in _object_or_empty(object.get(context.config, "deploy_types", {}))
	is_array(type_config.budgets)
}

_type_config(context) := _object_or_empty(object.get(_deploy_types(context), context.type, {}))

_type_known(context) if is_object(_deploy_types(context)[context.type])

_known_types(context) := format.names({name | some name, _ in _deploy_types(context)})

_required_budgets(context) := sort({name |
	some name in _type_config(context).budgets
	is_string(name)
})

_default_thresholds := {"block": 0.25, "escalate": 0.1, "warn": 0.5}

_threshold(context, name) := value if {
	value := context.config.thresholds[name]
	is_number(value)
} else := _default_thresholds[name]

_stale_after_seconds(context) := value if {
	value := context.config.stale_after_seconds
	is_number(value)
} else := 900

_no_data_allowed(context) if context.config.no_data == "allow"

# Verticals and budgets

_verticals(context) := _object_or_empty(object.get(context.doc, "verticals", {}))

_vertical_known(context) if is_object(_verticals(context)[context.vertical])

_known_verticals(context) := format.names({name | some name, _ in _verticals(context)})

# The entry of one budget of the deploy's vertical. It is undefined when the
# vertical or the budget is missing.
_budget_entry(context, name) := entry if {
	entry := _verticals(context)[context.vertical].budgets[name]
	is_object(entry)
}

_has_data(entry) if {
	object.get(entry, "status", "ok") != "no_data"
	is_number(entry.remaining)
}

# Checks on the deploy descriptor: these are violations whatever the
# deploy type's fail_open setting.

_input_violations(context) := ((_missing_type(context) | _unknown_type(context)) | _missing_vertical(context)) | _empty_break_glass(context)

_missing_type(context) := {violation("missing_deploy_type", {}, message) |
	context.type == null
	message := sprintf("deploy has no deploy type, known deploy types are %s", [_known_types(context)])
}

_unknown_type(context) := {violation("unknown_deploy_type", {}, message) |
	context.type != null
	not _type_known(context)
	message := sprintf("deploy type %s is not configured, known deploy types are %s", [format.quoted(context.type), _known_types(context)])
}

_missing_vertical(context) := {violation("missing_vertical", {}, message) |
	context.vertical == null
	message := sprintf("deploy has no vertical, known verticals are %s", [_known_verticals(context)])
}

_empty_break_glass(context) := {violation("empty_break_glass_reason", {"vertical": context.vertical}, message) |
	object.get(context.deploy, "break_glass", null) != null
	context.break_glass == null
	message := "break-glass override has an empty reason and does not apply, so give the reason for the override as its value"
}

_break_glass_warning(context) := {violation("break_glass", {"vertical": context.vertical}, message) |
	context.break_glass != null
	message := sprintf("break-glass override in effect with reason %s, so violations are listed but do not block this deploy", [format.quoted(context.break_glass)])
}
