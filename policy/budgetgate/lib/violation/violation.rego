# METADATA
# title: Violation constructor
# description: |-
#   Builds every violation, warning and escalation object, so all of them
#   have the same fields: code, vertical, budget, remaining, threshold and
#   message. A field that does not apply is null.
package budgetgate.lib.violation

# METADATA
# description: |-
#   Builds a finding with the given code and message. The fields object may
#   contain vertical, budget, remaining and threshold. Each one it lacks is
#   null, and any other key is ignored. A finding passed as the fields object
#   is copied with the new code and message.
violation(code, fields, message) := {
	"code": code,
	"vertical": object.get(fields, "vertical", null),
	"budget": object.get(fields, "budget", null),
	"remaining": object.get(fields, "remaining", null),
	"threshold": object.get(fields, "threshold", null),
	"message": message,
}

# METADATA
# description: |-
#   Orders a set of findings by budget name, then code, then message. Findings
#   without a budget come first. Sorting by a string key keeps the order
#   independent of how each engine compares objects.
ordered(findings) := [finding |
	some key in sort({_sort_key(f) | some f in findings})
	some finding in findings
	_sort_key(finding) == key
]

_sort_key(finding) := concat("\n", [_text_or_empty(finding.budget), finding.code, finding.message])

_text_or_empty(value) := value if is_string(value)

_text_or_empty(value) := "" if not is_string(value)
