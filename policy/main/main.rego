# METADATA
# title: conftest adapter
# description: |-
#   Reports budgetgate decisions on Kubernetes manifests as conftest deny and
#   warn messages (conftest's default namespace main). Run it as
#   conftest test --policy policy --data <folder with data.json> manifest.yaml.
#   Each object is decided by budgetgate.kubernetes.decision, and the items of
#   a kind List are decided one by one. Objects without a
#   budgetgate.dev/deploy-type label or annotation produce no messages.
package main

import data.budgetgate.kubernetes

# METADATA
# description: |-
#   The violations of each object that the gate denies, one message each,
#   prefixed with the object's kind and name.
deny contains message if {
	some result in _results
	not result.allow
	some finding in result.violations
	message := _message(result, finding)
}

# METADATA
# description: |-
#   The warnings and escalations of each gated object, and the violations of
#   an object that a break-glass override lets through.
warn contains message if {
	some result in _results
	some finding in array.concat(array.concat(result.warnings, result.escalations), _overridden(result))
	message := _message(result, finding)
}

# Decisions on the objects in input: the items of a kind List, or else
# input itself.
_results contains result if {
	not _is_list
	result := kubernetes.decision
}

_results contains result if {
	_is_list
	some item in input.items
	result := kubernetes.decision with input as item
}

_is_list if input.kind == "List"

_overridden(result) := result.violations if result.allow

_overridden(result) := [] if not result.allow

_message(result, finding) := concat("", [_object_label(result.object), ": ", finding.message])

# "Deployment/voice-agent", with "object" for a missing kind and "unnamed"
# for a missing name.
_object_label(reference) := concat("/", [_text_or(reference.kind, "object"), _text_or(reference.name, "unnamed")])

_text_or(value, _) := value if is_string(value)

_text_or(value, fallback) := fallback if not is_string(value)
