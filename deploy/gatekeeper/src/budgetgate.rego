# METADATA
# title: budgetgate deploy gate for Gatekeeper
# description: |-
#   Asks the budgetgate external data provider whether a labelled workload may
#   be deployed now and reports its denial messages as violations. The key is
#   <deploy-type>/<vertical>[/<service>][?break-glass=<reason>], each part
#   encoded with urlquery.encode. Labels and annotations are read as the
#   budgetgate policy reads them: the object's metadata first, then its pod
#   template, then a CronJob's pod template; an annotation wins over a label.
package budgetgatedeploygate

_provider := "budgetgate"

_deploy_type_key := "budgetgate.dev/deploy-type"

_vertical_key := "budgetgate.dev/vertical"

_service_key := "budgetgate.dev/service"

_break_glass_key := "budgetgate.dev/break-glass"

# Spec fields whose change is not a deploy: scaling, pausing a rollout and
# suspending a Job or CronJob stay possible while a budget is spent.
_non_deploy_spec_fields := {"replicas", "paused", "suspend"}

violation contains {"msg": message, "details": {"key": _key}} if {
	some message in _messages
}

_response := external_data({"provider": _provider, "keys": [_key]})

_messages contains sprintf("budgetgate provider failed: %s", [_system_error]) if _system_error != ""

_messages contains sprintf("budgetgate could not decide on key %q: %s", [key, problem]) if {
	some [key, problem] in object.get(_response, "errors", [])
}

_messages contains message if {
	some [_, value] in object.get(_response, "responses", [])
	value.allow == false
	some message in value.messages
}

_messages contains "budgetgate denied this deploy without a message" if {
	some [_, value] in object.get(_response, "responses", [])
	value.allow == false
	count(object.get(value, "messages", [])) == 0
}

# Fail closed when the provider returns neither an answer nor an error.
_messages contains sprintf("budgetgate provider returned no answer for key %q", [_key]) if {
	_system_error == ""
	count(object.get(_response, "responses", [])) == 0
	count(object.get(_response, "errors", [])) == 0
}

_system_error := object.get(_response, "system_error", "")

_key := concat("", [concat("/", _parts), _break_glass_query]) if {
	not _skipped
	_deploy_type
}

_parts := array.concat([_encode(_deploy_type), _encode(_vertical)], _service_part)

_deploy_type := _setting(_deploy_type_key)

_vertical := value if {
	value := _setting(_vertical_key)
} else := ""

_service_part := [_encode(value)] if {
	value := _setting(_service_key)
} else := [_encode(name)] if {
	name := _object.metadata.name
	is_string(name)
	name != ""
} else := []

_break_glass_query := concat("", ["?break-glass=", _encode(reason)]) if {
	reason := [value |
		some block in _metadata_blocks
		value := block.annotations[_break_glass_key]
	][0]
} else := ""

_encode(value) := urlquery.encode(value) if {
	is_string(value)
} else := urlquery.encode(sprintf("%v", [value]))

# DELETE and CONNECT never deploy anything.
_skipped if input.review.operation in {"DELETE", "CONNECT"}

# A controller creates Pods, ReplicaSets and Jobs from a parent that was
# already admitted, so they are not decided again.
_skipped if {
	some reference in _object.metadata.ownerReferences
	reference.controller == true
}

# An update that leaves the spec unchanged (labels, annotations, finalizers,
# scaling) is not a deploy.
_skipped if {
	input.review.operation == "UPDATE"
	_workload_spec(_object) == _workload_spec(input.review.oldObject)
}

_workload_spec(value) := object.remove(_object_at(value, "spec"), _non_deploy_spec_fields)

_object := input.review.object if {
	is_object(input.review.object)
} else := {}

_metadata_blocks := [
	_object_at(_object, "metadata"),
	_object_at(_object_at(_object_at(_object, "spec"), "template"), "metadata"),
	_object_at(_object_at(_object_at(_object_at(_object_at(_object, "spec"), "jobTemplate"), "spec"), "template"), "metadata"),
]

# The value of a budgetgate.dev/* key from the first metadata block that sets
# it, as an annotation or else as a label. Undefined when no block sets it.
_setting(name) := values[0] if {
	values := [value |
		some block in _metadata_blocks
		some section in ["annotations", "labels"]
		value := block[section][name]
	]
	count(values) > 0
}

_object_at(value, key) := value[key] if {
	is_object(value[key])
} else := {}
