package budgetgate.kubernetes_test

import data.budgetgate.fixtures_test as fixtures
import data.budgetgate.kubernetes

_type_key := "budgetgate.dev/deploy-type"

_vertical_key := "budgetgate.dev/vertical"

_service_key := "budgetgate.dev/service"

_break_glass_key := "budgetgate.dev/break-glass"

_gate_labels(type, vertical) := {_type_key: type, _vertical_key: vertical}

# Evaluates the Kubernetes entrypoint on manifest with doc as the budget data.
_decision(manifest, doc) := result if {
	result := kubernetes.decision with input as manifest
		with data.budgetgate.revision as doc.revision
		with data.budgetgate.computed_at_ns as doc.computed_at_ns
		with data.budgetgate.config as doc.config
		with data.budgetgate.verticals as doc.verticals
		with time.now_ns as fixtures.now_ns
}

_low_quality_doc := fixtures.doc_with_budget("healthcare", "quality", fixtures.budget(0.18))

# A workload whose pod template sits at spec.template, with the given
# metadata on the object and on the template.
_workload(api_version, kind, metadata, template_metadata) := {
	"apiVersion": api_version,
	"kind": kind,
	"metadata": object.union({"name": "voice-agent", "namespace": "agents"}, metadata),
	"spec": {"template": {
		"metadata": template_metadata,
		"spec": {"containers": [{"name": "agent", "image": "agent:1"}]},
	}},
}

_deployment(metadata, template_metadata) := _workload("apps/v1", "Deployment", metadata, template_metadata)

_cron_job(metadata, template_metadata) := {
	"apiVersion": "batch/v1",
	"kind": "CronJob",
	"metadata": object.union({"name": "nightly-eval", "namespace": "agents"}, metadata),
	"spec": {
		"schedule": "0 3 * * *",
		"jobTemplate": {"spec": {"template": {
			"metadata": template_metadata,
			"spec": {"containers": [{"name": "eval", "image": "eval:1"}], "restartPolicy": "OnFailure"},
		}}},
	},
}

_pod(metadata) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": object.union({"name": "voice-agent-7d4f9", "namespace": "agents"}, metadata),
	"spec": {"containers": [{"name": "agent", "image": "agent:1"}]},
}

test_fail_deployment_with_low_budget if {
	manifest := _deployment({"labels": _gate_labels("prompt", "healthcare")}, {})

	_decision(manifest, _low_quality_doc) == {
		"gated": true,
		"object": {"kind": "Deployment", "name": "voice-agent", "namespace": "agents"},
		"allow": false,
		"deploy": {"type": "prompt", "vertical": "healthcare", "service": "voice-agent"},
		"required_budgets": ["quality"],
		"violations": [fixtures.finding(
			"budget_below_threshold", "healthcare", "quality", 0.18, 0.25,
			"quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys",
		)],
		"warnings": [],
		"escalations": [],
		"revision": "rev-1",
		"break_glass": null,
	}
}

test_success_ungated_object if {
	manifest := _deployment({"labels": {"app": "voice-agent"}}, {"labels": {"app": "voice-agent"}})

	_decision(manifest, _low_quality_doc) == {
		"gated": false,
		"object": {"kind": "Deployment", "name": "voice-agent", "namespace": "agents"},
		"allow": true,
		"deploy": null,
		"required_budgets": [],
		"violations": [],
		"warnings": [],
		"escalations": [],
		"revision": "rev-1",
		"break_glass": null,
	}
}

test_success_vertical_alone_not_gated if {
	manifest := _deployment({"labels": {_vertical_key: "healthcare"}}, {})

	_decision(manifest, _low_quality_doc).gated == false
}

test_fail_template_labels_each_kind if {
	workloads := [
		_workload("apps/v1", "Deployment", {}, {"labels": _gate_labels("prompt", "healthcare")}),
		_workload("apps/v1", "StatefulSet", {}, {"labels": _gate_labels("prompt", "healthcare")}),
		_workload("apps/v1", "DaemonSet", {}, {"labels": _gate_labels("prompt", "healthcare")}),
		_workload("apps/v1", "ReplicaSet", {}, {"labels": _gate_labels("prompt", "healthcare")}),
		_workload("batch/v1", "Job", {}, {"labels": _gate_labels("prompt", "healthcare")}),
		_workload("argoproj.io/v1alpha1", "Rollout", {}, {"labels": _gate_labels("prompt", "healthcare")}),
		_workload("serving.knative.dev/v1", "Service", {}, {"annotations": _gate_labels("prompt", "healthcare")}),
	]

	every workload in workloads {
		result := _decision(workload, _low_quality_doc)
		result.gated == true
		result.allow == false
		result.object.kind == workload.kind
		result.deploy == {"type": "prompt", "vertical": "healthcare", "service": "voice-agent"}
		[f.code | some f in result.violations] == ["budget_below_threshold"]
	}
}

test_fail_cron_job_template_labels_gate if {
	manifest := _cron_job({}, {"labels": _gate_labels("model", "healthcare")})
	result := _decision(manifest, _low_quality_doc)

	result.gated == true
	result.object == {"kind": "CronJob", "name": "nightly-eval", "namespace": "agents"}
	result.deploy == {"type": "model", "vertical": "healthcare", "service": "nightly-eval"}
	result.violations[0].message == "quality budget of healthcare has 18.0% remaining, below the 25.0% required for model deploys"
}

test_success_cron_job_object_wins if {
	manifest := _cron_job(
		{"labels": _gate_labels("prompt", "real_estate")},
		{"labels": _gate_labels("model", "healthcare")},
	)
	result := _decision(manifest, _low_quality_doc)

	result.allow == true
	result.deploy == {"type": "prompt", "vertical": "real_estate", "service": "nightly-eval"}
}

test_fail_pod_labels_gate if {
	result := _decision(_pod({"labels": _gate_labels("prompt", "healthcare")}), _low_quality_doc)

	result.gated == true
	result.allow == false
	result.object == {"kind": "Pod", "name": "voice-agent-7d4f9", "namespace": "agents"}
	result.deploy.service == "voice-agent-7d4f9"
}

test_success_object_wins_over_template if {
	manifest := _deployment(
		{"labels": _gate_labels("prompt", "real_estate")},
		{"labels": _gate_labels("model", "healthcare")},
	)
	result := _decision(manifest, _low_quality_doc)

	result.allow == true
	result.deploy == {"type": "prompt", "vertical": "real_estate", "service": "voice-agent"}
}

test_fail_object_and_template_fields_combine if {
	manifest := _deployment({"labels": {_type_key: "model"}}, {"labels": {_vertical_key: "healthcare"}})
	result := _decision(manifest, _low_quality_doc)

	result.allow == false
	result.deploy == {"type": "model", "vertical": "healthcare", "service": "voice-agent"}
}

test_success_annotation_wins_over_label if {
	manifest := _deployment(
		{
			"labels": _gate_labels("prompt", "healthcare"),
			"annotations": {_vertical_key: "real_estate"},
		},
		{},
	)

	_decision(manifest, _low_quality_doc).deploy.vertical == "real_estate"
}

test_success_service_from_label if {
	labels := object.union(_gate_labels("prompt", "real_estate"), {_service_key: "voice-agent-eu"})
	result := _decision(_deployment({"labels": labels}, {}), _low_quality_doc)

	result.deploy.service == "voice-agent-eu"
}

test_success_service_without_name if {
	manifest := {"kind": "Deployment", "metadata": {"labels": _gate_labels("prompt", "real_estate")}}
	result := _decision(manifest, _low_quality_doc)

	result.allow == true
	result.deploy == {"type": "prompt", "vertical": "real_estate"}
	result.object == {"kind": "Deployment", "name": null, "namespace": null}
}

test_fail_missing_vertical_label if {
	result := _decision(_deployment({"labels": {_type_key: "prompt"}}, {}), _low_quality_doc)

	result.allow == false
	[f.code | some f in result.violations] == ["missing_vertical"]
}

test_fail_empty_deploy_type_label if {
	result := _decision(_deployment({"labels": _gate_labels("", "healthcare")}, {}), _low_quality_doc)

	result.gated == true
	result.allow == false
	[f.code | some f in result.violations] == ["missing_deploy_type"]
}

test_fail_unknown_deploy_type_label if {
	result := _decision(_deployment({"labels": _gate_labels("database", "healthcare")}, {}), _low_quality_doc)

	result.allow == false
	[f.code | some f in result.violations] == ["unknown_deploy_type"]
}

test_success_break_glass_annotation if {
	manifest := _deployment(
		{
			"labels": _gate_labels("prompt", "healthcare"),
			"annotations": {_break_glass_key: "hotfix for a stuck greeting, incident 42"},
		},
		{},
	)
	result := _decision(manifest, _low_quality_doc)

	result.allow == true
	result.break_glass == "hotfix for a stuck greeting, incident 42"
	result.deploy.break_glass == "hotfix for a stuck greeting, incident 42"
	[f.code | some f in result.violations] == ["budget_below_threshold"]
	[f.code | some f in result.warnings] == ["break_glass"]
}

test_success_break_glass_on_template if {
	manifest := _deployment(
		{"labels": _gate_labels("prompt", "healthcare")},
		{"annotations": {_break_glass_key: "incident 42"}},
	)

	_decision(manifest, _low_quality_doc).allow == true
}

test_fail_break_glass_empty_reason if {
	manifest := _deployment(
		{
			"labels": _gate_labels("prompt", "healthcare"),
			"annotations": {_break_glass_key: ""},
		},
		{"annotations": {_break_glass_key: "template reason"}},
	)
	result := _decision(manifest, _low_quality_doc)

	result.allow == false
	result.break_glass == null
	[f.code | some f in result.violations] == ["empty_break_glass_reason", "budget_below_threshold"]
}

test_fail_break_glass_label_is_ignored if {
	labels := object.union(_gate_labels("prompt", "healthcare"), {_break_glass_key: "incident-42"})
	result := _decision(_deployment({"labels": labels}, {}), _low_quality_doc)

	result.allow == false
	result.break_glass == null
}

test_success_non_object_input if {
	result := _decision("not a manifest", _low_quality_doc)

	result.gated == false
	result.allow == true
	result.object == {"kind": null, "name": null, "namespace": null}
}

test_success_malformed_metadata_is_ignored if {
	manifest := {
		"kind": "Deployment",
		"metadata": {"name": "voice-agent", "labels": ["budgetgate.dev/deploy-type"]},
		"spec": {"template": "not an object"},
	}

	_decision(manifest, _low_quality_doc).gated == false
}

test_fail_without_budget_data if {
	manifest := _deployment({"labels": _gate_labels("prompt", "healthcare")}, {})
	result := kubernetes.decision with input as manifest with time.now_ns as fixtures.now_ns

	result.allow == false
	result.revision == null
}
