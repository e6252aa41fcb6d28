# METADATA
# title: budgetgate Kubernetes adapter
# description: |-
#   Decides on one Kubernetes object (Deployment, StatefulSet, DaemonSet, Job,
#   CronJob, Pod, ReplicaSet, Argo Rollout, Knative Service and any other kind
#   with a pod template). The deploy descriptor comes from budgetgate.dev/*
#   labels and annotations on the object's metadata first, then on its pod
#   template. Within one metadata block an annotation wins over a label with
#   the same key.
package budgetgate.kubernetes

import data.budgetgate.budget_data
import data.budgetgate.lib.gate

# METADATA
# title: Kubernetes object decision
# description: |-
#   Decides whether the Kubernetes object in input may be applied now. An
#   object without a budgetgate.dev/deploy-type label or annotation is not
#   gated: its result has gated false, allow true and empty lists.
# entrypoint: true
decision := object.union(gate.decide(_deploy, budget_data, time.now_ns()), _object_fields) if _gated

decision := object.union(_ungated_result, _object_fields) if not _gated

_deploy_type_key := "budgetgate.dev/deploy-type"

_break_glass_key := "budgetgate.dev/break-glass"

# Descriptor fields and the label or annotation that each one is read from.
_descriptor_keys := {
	"type": _deploy_type_key,
	"vertical": "budgetgate.dev/vertical",
	"service": "budgetgate.dev/service",
}

_gated if _metadata_value(_deploy_type_key) != null

_object_fields := {
	"gated": _gated_flag,
	"object": {
		"kind": _string_or_null(object.get(_input_object, "kind", null)),
		"name": _string_or_null(object.get(_object_metadata, "name", null)),
		"namespace": _string_or_null(object.get(_object_metadata, "namespace", null)),
	},
}

_gated_flag if _gated

_gated_flag := false if not _gated

_ungated_result := {
	"allow": true,
	"deploy": null,
	"required_budgets": [],
	"violations": [],
	"warnings": [],
	"escalations": [],
	"revision": object.get(budget_data, "revision", null),
	"break_glass": null,
}

# The descriptor passed to the gate: type, vertical and service where the
# object sets them, service defaulting to metadata.name, and break_glass when
# the break-glass annotation is present, even with an empty value.
_deploy := object.union(object.union(_default_service, _labelled_fields), _break_glass_field)

_labelled_fields := {field: value |
	some field, key in _descriptor_keys
	value := _metadata_value(key)
	value != null
}

_default_service := {"service": name |
	name := _object_metadata.name
	is_string(name)
}

_break_glass_field := {"break_glass": reason |
	reason := [value |
		some block in _metadata_blocks
		value := block.annotations[_break_glass_key]
	][0]
}

# Metadata blocks in precedence order: the object itself, its pod template
# (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Argo Rollout, Knative
# Service), and a CronJob's pod template.
_metadata_blocks := [_object_metadata, _template_metadata, _cron_job_template_metadata]

_input_object := input if {
	is_object(input)
} else := {}

_object_metadata := _object_at(_input_object, "metadata")

_template_metadata := _object_at(_object_at(_object_at(_input_object, "spec"), "template"), "metadata")

_cron_job_template_metadata := _object_at(_object_at(_object_at(_object_at(_object_at(_input_object, "spec"), "jobTemplate"), "spec"), "template"), "metadata")

# The value of a budgetgate.dev/* key from the first metadata block that sets
# it as an annotation or a label. It is null when no block sets it.
_metadata_value(key) := value if {
	values := [candidate |
		some block in _metadata_blocks
		some section in ["annotations", "labels"]
		candidate := block[section][key]
	]
	count(values) > 0
	value := values[0]
} else := null

_object_at(value, key) := value[key] if {
	is_object(value[key])
} else := {}

_string_or_null(value) := value if is_string(value)

_string_or_null(value) := null if not is_string(value)
