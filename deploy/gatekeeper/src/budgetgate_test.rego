package budgetgatedeploygate_test

import data.budgetgatedeploygate

# Stand-ins for Gatekeeper's external_data built-in. Each returns the shape
# that Gatekeeper builds from a ProviderResponse: responses and errors as
# [key, value] pairs, status_code and system_error.

# Answers every key with its own key as the only denial message, so a test can
# read the key that the template built.
echo_key(request) := {
	"responses": [[key, {"allow": false, "messages": [key], "warnings": []}] | some key in request.keys],
	"errors": [],
	"status_code": 200,
	"system_error": "",
} if request.provider == "budgetgate"

deny_quality(request) := {
	"responses": [[key, {"allow": false, "messages": [quality_message], "warnings": []}] | some key in request.keys],
	"errors": [],
	"status_code": 200,
	"system_error": "",
}

allow_all(request) := {
	"responses": [[key, {"allow": true, "messages": [], "warnings": ["quality budget of salon has 40.0% remaining"]}] | some key in request.keys],
	"errors": [],
	"status_code": 200,
	"system_error": "",
}

key_error(request) := {
	"responses": [],
	"errors": [[key, "deploy type \"database\" is not configured"] | some key in request.keys],
	"status_code": 200,
	"system_error": "",
}

system_error(_) := {"responses": [], "errors": [], "status_code": 503, "system_error": "budgetgate has not loaded budget data yet"}

no_answer(_) := {"responses": [], "errors": [], "status_code": 200, "system_error": ""}

deny_without_message(request) := {
	"responses": [[key, {"allow": false, "messages": [], "warnings": []}] | some key in request.keys],
	"errors": [],
	"status_code": 200,
	"system_error": "",
}

quality_message := "quality budget of healthcare has 20.0% remaining, below the 25.0% required for prompt deploys"

prompt_labels := {"budgetgate.dev/deploy-type": "prompt", "budgetgate.dev/vertical": "healthcare"}

deployment(metadata, template_metadata) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": metadata,
	"spec": {
		"replicas": 2,
		"template": {
			"metadata": template_metadata,
			"spec": {"containers": [{"name": "app", "image": "voice-agent:1.4.0"}]},
		},
	},
}

review(object) := {"review": {"operation": "CREATE", "object": object}, "parameters": {}}

messages(result) := {violation.msg | some violation in result}

test_denied_deploy_reports_messages if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as deny_quality
	messages(result) == {quality_message}
}

test_allowed_deploy_has_no_violation if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as allow_all
	count(result) == 0
}

test_key_from_labels_and_name if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as echo_key
	messages(result) == {"prompt/healthcare/voice-agent"}
}

test_violation_details_carry_key if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as deny_quality
	some violation in result
	violation.details.key == "prompt/healthcare/voice-agent"
}

test_key_from_pod_template if {
	object := deployment({"name": "voice-agent"}, {"labels": {
		"budgetgate.dev/deploy-type": "model",
		"budgetgate.dev/vertical": "salon",
		"budgetgate.dev/service": "booking",
	}})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as echo_key
	messages(result) == {"model/salon/booking"}
}

test_annotation_wins_over_label if {
	metadata := {
		"name": "voice-agent",
		"labels": prompt_labels,
		"annotations": {"budgetgate.dev/vertical": "real estate/east"},
	}
	result := budgetgatedeploygate.violation with input as review(deployment(metadata, {})) with external_data as echo_key
	messages(result) == {"prompt/real+estate%2Feast/voice-agent"}
}

test_object_metadata_wins_over_template if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {"labels": {"budgetgate.dev/vertical": "salon"}})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as echo_key
	messages(result) == {"prompt/healthcare/voice-agent"}
}

test_key_from_cronjob_template if {
	object := {
		"apiVersion": "batch/v1",
		"kind": "CronJob",
		"metadata": {"name": "nightly-eval"},
		"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": prompt_labels}}}}},
	}
	result := budgetgatedeploygate.violation with input as review(object) with external_data as echo_key
	messages(result) == {"prompt/healthcare/nightly-eval"}
}

test_key_without_name_has_no_service if {
	object := {"apiVersion": "v1", "kind": "Pod", "metadata": {"generateName": "probe-", "labels": prompt_labels}, "spec": {}}
	result := budgetgatedeploygate.violation with input as review(object) with external_data as echo_key
	messages(result) == {"prompt/healthcare"}
}

test_key_without_vertical if {
	object := deployment({"name": "voice-agent", "labels": {"budgetgate.dev/deploy-type": "prompt"}}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as echo_key
	messages(result) == {"prompt//voice-agent"}
}

test_break_glass_in_key if {
	metadata := {
		"name": "voice-agent",
		"labels": prompt_labels,
		"annotations": {"budgetgate.dev/break-glass": "incident 42: rollback"},
	}
	result := budgetgatedeploygate.violation with input as review(deployment(metadata, {})) with external_data as echo_key
	messages(result) == {"prompt/healthcare/voice-agent?break-glass=incident+42%3A+rollback"}
}

test_unlabelled_object_not_checked if {
	object := deployment({"name": "guestbook", "labels": {"app": "guestbook"}}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as deny_quality
	count(result) == 0
}

test_delete_not_checked if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	request := {"review": {"operation": "DELETE", "object": object, "oldObject": object}, "parameters": {}}
	result := budgetgatedeploygate.violation with input as request with external_data as deny_quality
	count(result) == 0
}

test_controller_owned_not_checked if {
	metadata := {
		"name": "voice-agent-5d8f-abcde",
		"labels": prompt_labels,
		"ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "voice-agent-5d8f", "controller": true}],
	}
	object := {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": {}}
	result := budgetgatedeploygate.violation with input as review(object) with external_data as deny_quality
	count(result) == 0
}

test_non_controller_owner_checked if {
	metadata := {
		"name": "voice-agent",
		"labels": prompt_labels,
		"ownerReferences": [{"apiVersion": "v1", "kind": "ConfigMap", "name": "settings", "controller": false}],
	}
	result := budgetgatedeploygate.violation with input as review(deployment(metadata, {})) with external_data as deny_quality
	messages(result) == {quality_message}
}

test_update_scaling_only_not_checked if {
	old := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	new := json.patch(old, [{"op": "replace", "path": "/spec/replicas", "value": 6}])
	request := {"review": {"operation": "UPDATE", "object": new, "oldObject": old}, "parameters": {}}
	result := budgetgatedeploygate.violation with input as request with external_data as deny_quality
	count(result) == 0
}

test_update_new_image_checked if {
	old := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	new := json.patch(old, [{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "voice-agent:1.5.0"}])
	request := {"review": {"operation": "UPDATE", "object": new, "oldObject": old}, "parameters": {}}
	result := budgetgatedeploygate.violation with input as request with external_data as deny_quality
	messages(result) == {quality_message}
}

test_audit_without_operation_checked if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as {"review": {"object": object}, "parameters": {}} with external_data as deny_quality
	messages(result) == {quality_message}
}

test_key_error_reported if {
	object := deployment({"name": "voice-agent", "labels": {"budgetgate.dev/deploy-type": "database", "budgetgate.dev/vertical": "healthcare"}}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as key_error
	messages(result) == {`budgetgate could not decide on key "database/healthcare/voice-agent": deploy type "database" is not configured`}
}

test_system_error_reported if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as system_error
	messages(result) == {"budgetgate provider failed: budgetgate has not loaded budget data yet"}
}

test_missing_answer_denies if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as no_answer
	messages(result) == {`budgetgate provider returned no answer for key "prompt/healthcare/voice-agent"`}
}

test_denial_without_message_denies if {
	object := deployment({"name": "voice-agent", "labels": prompt_labels}, {})
	result := budgetgatedeploygate.violation with input as review(object) with external_data as deny_without_message
	messages(result) == {"budgetgate denied this deploy without a message"}
}
