package main_test

import data.budgetgate.fixtures_test as fixtures
import data.main

_gate_labels(type, vertical) := {"budgetgate.dev/deploy-type": type, "budgetgate.dev/vertical": vertical}

_deployment(name, metadata) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": object.union({"name": name}, metadata),
	"spec": {"template": {"metadata": {}, "spec": {"containers": [{"name": "agent", "image": "agent:1"}]}}},
}

_low_quality_doc := fixtures.doc_with_budget("healthcare", "quality", fixtures.budget(0.08))

_below_message := "quality budget of healthcare has 8.0% remaining, below the 25.0% required for prompt deploys"

_escalation_message := "quality budget of healthcare has 8.0% remaining, below the 10.0% escalation threshold for prompt deploys, so the engineering manager is paged"

# Evaluates the conftest rules on manifest with doc as the budget data and
# returns {"deny": ..., "warn": ...}.
_findings(manifest, doc) := {"deny": deny, "warn": warn} if {
	deny := main.deny with input as manifest
		with data.budgetgate.revision as doc.revision
		with data.budgetgate.computed_at_ns as doc.computed_at_ns
		with data.budgetgate.config as doc.config
		with data.budgetgate.verticals as doc.verticals
		with time.now_ns as fixtures.now_ns
	warn := main.warn with input as manifest
		with data.budgetgate.revision as doc.revision
		with data.budgetgate.computed_at_ns as doc.computed_at_ns
		with data.budgetgate.config as doc.config
		with data.budgetgate.verticals as doc.verticals
		with time.now_ns as fixtures.now_ns
}

test_fail_low_budget_denies_and_escalates if {
	manifest := _deployment("voice-agent", {"labels": _gate_labels("prompt", "healthcare")})

	_findings(manifest, _low_quality_doc) == {
		"deny": {concat("", ["Deployment/voice-agent: ", _below_message])},
		"warn": {concat("", ["Deployment/voice-agent: ", _escalation_message])},
	}
}

test_success_healthy_budget_gives_no_findings if {
	manifest := _deployment("voice-agent", {"labels": _gate_labels("prompt", "healthcare")})

	_findings(manifest, fixtures.budget_doc) == {"deny": set(), "warn": set()}
}

test_success_ungated_object_gives_no_findings if {
	manifest := _deployment("voice-agent", {"labels": {"app": "voice-agent"}})

	_findings(manifest, _low_quality_doc) == {"deny": set(), "warn": set()}
}

test_success_break_glass_warns if {
	manifest := _deployment("voice-agent", {
		"labels": _gate_labels("prompt", "healthcare"),
		"annotations": {"budgetgate.dev/break-glass": "incident 42"},
	})

	_findings(manifest, _low_quality_doc) == {
		"deny": set(),
		"warn": {
			concat("", ["Deployment/voice-agent: ", _below_message]),
			concat("", ["Deployment/voice-agent: ", _escalation_message]),
			"Deployment/voice-agent: break-glass override in effect with reason \"incident 42\", so violations are listed but do not block this deploy",
		},
	}
}

test_fail_empty_break_glass_reason_denies if {
	manifest := _deployment("voice-agent", {
		"labels": _gate_labels("prompt", "healthcare"),
		"annotations": {"budgetgate.dev/break-glass": ""},
	})

	findings := _findings(manifest, fixtures.budget_doc)
	findings.deny == {"Deployment/voice-agent: break-glass override has an empty reason and does not apply, so give the reason for the override as its value"}
}

test_fail_list_items_decided_separately if {
	manifest := {"apiVersion": "v1", "kind": "List", "items": [
		_deployment("voice-agent", {"labels": _gate_labels("prompt", "healthcare")}),
		_deployment("listing-agent", {"labels": _gate_labels("prompt", "real_estate")}),
		_deployment("docs", {"labels": _gate_labels("docs", "healthcare")}),
		{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "voice-agent"}},
	]}

	_findings(manifest, _low_quality_doc).deny == {
		concat("", ["Deployment/voice-agent: ", _below_message]),
		"Deployment/docs: deploy type \"docs\" is not configured, known deploy types are finance, model, platform, prompt",
	}
}

test_fail_unnamed_object_label if {
	manifest := {"metadata": {"labels": _gate_labels("prompt", "dental")}}

	_findings(manifest, fixtures.budget_doc).deny == {"object/unnamed: vertical \"dental\" has no budgets in the budget data, known verticals are healthcare, real_estate. Check the vertical name, or that the budget engine computes budgets for it"}
}
