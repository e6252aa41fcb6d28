package budgetgate.lib.gate_test

import data.budgetgate.fixtures_test as fixtures
import data.budgetgate.lib.gate

_prompt := {"type": "prompt", "vertical": "healthcare", "service": "voice-agent"}

_platform := {"type": "platform", "vertical": "healthcare", "service": "voice-agent"}

_decide(deploy, budget_doc) := gate.decide(deploy, budget_doc, fixtures.now_ns)

_quality_at(remaining) := fixtures.doc_with_budget("healthcare", "quality", fixtures.budget(remaining))

# Budget thresholds

test_success_healthy_budget_allows if {
	_decide(_prompt, fixtures.budget_doc) == {
		"allow": true,
		"deploy": _prompt,
		"required_budgets": ["quality"],
		"violations": [],
		"warnings": [],
		"escalations": [],
		"revision": "rev-1",
		"break_glass": null,
	}
}

test_success_remaining_at_block_threshold_warns if {
	result := _decide(_prompt, _quality_at(0.25))

	result.allow == true
	result.violations == []
	result.escalations == []
	result.warnings == [fixtures.finding(
		"budget_warning", "healthcare", "quality", 0.25, 0.5,
		"quality budget of healthcare has 25.0% remaining, below the 50.0% warning threshold for prompt deploys, which are blocked below 25.0%",
	)]
}

test_success_remaining_at_warn_threshold_is_quiet if {
	result := _decide(_prompt, _quality_at(0.5))

	result.allow == true
	result.warnings == []
}

test_fail_remaining_below_block_threshold if {
	_decide(_prompt, _quality_at(0.18)) == {
		"allow": false,
		"deploy": _prompt,
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

test_fail_remaining_just_below_block_threshold if {
	result := _decide(_prompt, _quality_at(0.2499))

	result.allow == false
	[finding.code | some finding in result.violations] == ["budget_below_threshold"]
	result.violations[0].message == "quality budget of healthcare has 25.0% remaining, below the 25.0% required for prompt deploys"
}

test_fail_at_escalation_threshold_no_escalation if {
	result := _decide(_prompt, _quality_at(0.1))

	result.allow == false
	count(result.violations) == 1
	result.escalations == []
}

test_fail_below_escalation_threshold_escalates if {
	result := _decide(_prompt, _quality_at(0.08))

	result.allow == false
	result.violations == [fixtures.finding(
		"budget_below_threshold", "healthcare", "quality", 0.08, 0.25,
		"quality budget of healthcare has 8.0% remaining, below the 25.0% required for prompt deploys",
	)]
	result.escalations == [fixtures.finding(
		"budget_escalation", "healthcare", "quality", 0.08, 0.1,
		"quality budget of healthcare has 8.0% remaining, below the 10.0% escalation threshold for prompt deploys, so the engineering manager is paged",
	)]
	result.warnings == []
}

test_fail_negative_remaining if {
	result := _decide(_prompt, _quality_at(-0.35))

	result.allow == false
	result.violations[0].remaining == -0.35
	result.violations[0].message == "quality budget of healthcare has -35.0% remaining, below the 25.0% required for prompt deploys"
	result.escalations[0].message == "quality budget of healthcare has -35.0% remaining, below the 10.0% escalation threshold for prompt deploys, so the engineering manager is paged"
}

test_fail_platform_lists_budgets_in_order if {
	doc := object.union(fixtures.budget_doc, {"verticals": {"healthcare": {"budgets": {
		"stall": fixtures.budget(0.05),
		"availability": fixtures.budget(0.2),
		"latency": fixtures.budget(0.3),
	}}}})
	result := _decide(_platform, doc)

	result.allow == false
	result.required_budgets == ["availability", "latency", "stall"]
	[[f.budget, f.code] | some f in result.violations] == [
		["availability", "budget_below_threshold"],
		["stall", "budget_below_threshold"],
	]
	[[f.budget, f.code] | some f in result.escalations] == [["stall", "budget_escalation"]]
	[[f.budget, f.code] | some f in result.warnings] == [["latency", "budget_warning"]]
}

test_success_other_vertical_ignored if {
	doc := fixtures.doc_with_budget("real_estate", "quality", fixtures.budget(0.01))

	_decide(_prompt, doc).allow == true
}

test_success_thresholds_from_config if {
	doc := object.union(_quality_at(0.28), {"config": {"thresholds": {"block": 0.3, "escalate": 0.29, "warn": 0.6}}})
	result := _decide(_prompt, doc)

	result.violations[0].threshold == 0.3
	result.violations[0].message == "quality budget of healthcare has 28.0% remaining, below the 30.0% required for prompt deploys"
	result.escalations[0].threshold == 0.29
}

test_success_default_thresholds if {
	doc := json.remove(_quality_at(0.2), ["config/thresholds"])
	result := _decide(_prompt, doc)

	result.violations[0].threshold == 0.25
	result.escalations == []
}

test_success_non_numeric_threshold_defaults if {
	doc := object.union(_quality_at(0.4), {"config": {"thresholds": {"warn": "half"}}})

	_decide(_prompt, doc).warnings[0].threshold == 0.5
}

# Deploy type and vertical

test_fail_missing_deploy_type if {
	_decide({"vertical": "healthcare"}, fixtures.budget_doc) == {
		"allow": false,
		"deploy": {"vertical": "healthcare"},
		"required_budgets": [],
		"violations": [fixtures.finding(
			"missing_deploy_type", null, null, null, null,
			"deploy has no deploy type, known deploy types are finance, model, platform, prompt",
		)],
		"warnings": [],
		"escalations": [],
		"revision": "rev-1",
		"break_glass": null,
	}
}

test_fail_invalid_deploy_type_is_missing if {
	every type in ["", "  ", 5, null, ["prompt"]] {
		result := _decide({"type": type, "vertical": "healthcare"}, fixtures.budget_doc)
		[f.code | some f in result.violations] == ["missing_deploy_type"]
	}
}

test_fail_unknown_deploy_type if {
	result := _decide({"type": "database", "vertical": "healthcare"}, fixtures.budget_doc)

	result.allow == false
	result.required_budgets == []
	result.violations == [fixtures.finding(
		"unknown_deploy_type", null, null, null, null,
		"deploy type \"database\" is not configured, known deploy types are finance, model, platform, prompt",
	)]
}

test_fail_deploy_type_without_budgets_list if {
	doc := fixtures.doc_with_config({"deploy_types": {"docs": {"fail_open": true}, "search": {"budgets": "quality"}}})
	result := _decide({"type": "docs", "vertical": "healthcare"}, doc)

	result.allow == false
	result.required_budgets == []
	result.violations == [fixtures.finding(
		"unknown_deploy_type", null, null, null, null,
		"deploy type \"docs\" is not configured, known deploy types are finance, model, platform, prompt",
	)]
}

test_fail_missing_vertical if {
	result := _decide({"type": "prompt"}, fixtures.budget_doc)

	result.allow == false
	result.required_budgets == ["quality"]
	result.violations == [fixtures.finding(
		"missing_vertical", null, null, null, null,
		"deploy has no vertical, known verticals are healthcare, real_estate",
	)]
}

test_fail_unknown_vertical if {
	result := _decide({"type": "prompt", "vertical": "dental"}, fixtures.budget_doc)

	result.allow == false
	result.violations == [fixtures.finding(
		"unknown_vertical", "dental", null, null, null,
		"vertical \"dental\" has no budgets in the budget data, known verticals are healthcare, real_estate. Check the vertical name, or that the budget engine computes budgets for it",
	)]
}

test_fail_missing_type_and_vertical_together if {
	result := _decide({}, fixtures.budget_doc)

	[f.code | some f in result.violations] == ["missing_deploy_type", "missing_vertical"]
}

test_success_type_without_budgets if {
	doc := fixtures.doc_with_config({"deploy_types": {"docs": {"budgets": [], "fail_open": false}}})
	result := _decide({"type": "docs", "vertical": "healthcare"}, doc)

	result.allow == true
	result.required_budgets == []
}

# Missing budgets and budgets without data

test_fail_missing_budget if {
	result := _decide({"type": "finance", "vertical": "healthcare"}, fixtures.budget_doc)

	result.allow == false
	result.required_budgets == ["cost"]
	result.violations == [fixtures.finding(
		"missing_budget", "healthcare", "cost", null, null,
		"cost budget of healthcare is missing from the budget data, and finance deploys require it. Check that the budget engine computes it",
	)]
}

test_fail_no_data_denies_by_default if {
	doc := fixtures.doc_with_budget("healthcare", "availability", fixtures.no_data_budget)
	result := _decide(_platform, doc)

	result.allow == false
	result.violations == [fixtures.finding(
		"no_data", "healthcare", "availability", null, null,
		"availability budget of healthcare has no data (no eligible events in its window), so platform deploys cannot be judged against it",
	)]
	result.warnings == []
}

test_success_no_data_allowed_warns if {
	doc := object.union(
		fixtures.doc_with_budget("healthcare", "availability", fixtures.no_data_budget),
		{"config": {"no_data": "allow"}},
	)
	result := _decide(_platform, doc)

	result.allow == true
	result.violations == []
	result.warnings == [fixtures.finding(
		"no_data", "healthcare", "availability", null, null,
		"availability budget of healthcare has no data (no eligible events in its window), so platform deploys cannot be judged against it. The no_data setting is \"allow\", so this is a warning",
	)]
}

test_fail_null_remaining_is_no_data if {
	doc := fixtures.doc_with_budget("healthcare", "quality", object.union(fixtures.budget(0.9), {"remaining": null}))

	[f.code | some f in _decide(_prompt, doc).violations] == ["no_data"]
}

test_fail_non_object_budget_is_missing if {
	doc := fixtures.doc_with_budget("healthcare", "quality", "broken")

	[f.code | some f in _decide(_prompt, doc).violations] == ["missing_budget"]
}

# Stale budget data

test_success_data_at_age_limit if {
	result := gate.decide(_prompt, fixtures.budget_doc, fixtures.computed_at_ns + 900000000000)

	result.allow == true
}

test_fail_data_older_than_limit if {
	result := gate.decide(_prompt, fixtures.budget_doc, fixtures.computed_at_ns + 1404000000000)

	result.allow == false
	result.violations == [fixtures.finding(
		"stale_budgets", null, null, null, null,
		"budget data is 23.4 minutes old, older than the 15.0-minute limit. Check that the budget engine is running and re-export the bundle",
	)]
}

test_fail_data_one_nanosecond_over_limit if {
	result := gate.decide(_prompt, fixtures.budget_doc, fixtures.computed_at_ns + 900000000001)

	[f.code | some f in result.violations] == ["stale_budgets"]
}

test_fail_stale_limit_from_config if {
	doc := fixtures.doc_with_config({"stale_after_seconds": 90})
	result := gate.decide(_prompt, doc, fixtures.computed_at_ns + 200000000000)

	result.violations[0].message == "budget data is 3.3 minutes old, older than the 1.5-minute limit. Check that the budget engine is running and re-export the bundle"
}

test_fail_default_stale_limit if {
	doc := json.remove(fixtures.budget_doc, ["config/stale_after_seconds"])

	gate.decide(_prompt, doc, fixtures.computed_at_ns + 900000000000).allow == true
	gate.decide(_prompt, doc, fixtures.computed_at_ns + 960000000000).allow == false
}

test_fail_current_time_not_a_number if {
	result := gate.decide(_prompt, fixtures.budget_doc, null)

	result.allow == false
	result.violations == [fixtures.finding(
		"stale_budgets", null, null, null, null,
		"the current time is not a number, so the age of the budget data is unknown",
	)]
}

test_success_future_data_is_fresh if {
	result := gate.decide(_prompt, fixtures.budget_doc, fixtures.computed_at_ns - 60000000000)

	result.allow == true
}

test_fail_missing_computed_at if {
	doc := object.remove(fixtures.budget_doc, ["computed_at_ns"])
	result := _decide(_prompt, doc)

	result.allow == false
	result.violations == [fixtures.finding(
		"stale_budgets", null, null, null, null,
		"budget data has no computed_at_ns, so its age is unknown. Check that the budget engine is running and re-export the bundle",
	)]
}

test_fail_non_numeric_computed_at if {
	doc := object.union(fixtures.budget_doc, {"computed_at_ns": "2025-12-04T17:40:00Z"})

	[f.code | some f in _decide(_prompt, doc).violations] == ["stale_budgets"]
}

test_fail_missing_config if {
	doc := object.remove(fixtures.budget_doc, ["config"])
	result := _decide(_prompt, doc)

	result.allow == false
	result.required_budgets == []
	result.violations == [
		fixtures.finding(
			"stale_budgets", null, null, null, null,
			"budget data has no config, so its age is unknown. Check that the budget engine is running and re-export the bundle",
		),
		fixtures.finding(
			"unknown_deploy_type", null, null, null, null,
			"deploy type \"prompt\" is not configured, known deploy types are none",
		),
	]
}

test_fail_empty_budget_data if {
	result := _decide(_prompt, {})

	result.allow == false
	result.revision == null
	[f.code | some f in result.violations] == ["stale_budgets", "unknown_deploy_type", "unknown_vertical"]
	result.violations[0].message == "budget data has no computed_at_ns and no config, so its age is unknown. Check that the budget engine is running and re-export the bundle"
	result.violations[2].message == "vertical \"healthcare\" has no budgets in the budget data, known verticals are none. Check the vertical name, or that the budget engine computes budgets for it"
}

test_fail_arguments_that_are_not_objects if {
	result := gate.decide(null, "data", fixtures.now_ns)

	result.allow == false
	result.deploy == {}
	[f.code | some f in result.violations] == ["missing_deploy_type", "missing_vertical", "stale_budgets"]
}

# Fail-open deploy types

_fail_open_doc(doc, type) := object.union(doc, {"config": {"deploy_types": {type: {"fail_open": true}}}})

test_success_fail_open_warns_on_data if {
	doc := _fail_open_doc(
		json.remove(fixtures.doc_with_budget("healthcare", "availability", fixtures.no_data_budget), ["verticals/healthcare/budgets/stall"]),
		"platform",
	)
	result := gate.decide(_platform, doc, fixtures.computed_at_ns + 3600000000000)

	result.allow == true
	result.violations == []
	result.warnings == [
		fixtures.finding(
			"stale_budgets", null, null, null, null,
			"budget data is 60.0 minutes old, older than the 15.0-minute limit. Check that the budget engine is running and re-export the bundle. platform deploys fail open, so this is a warning",
		),
		fixtures.finding(
			"no_data", "healthcare", "availability", null, null,
			"availability budget of healthcare has no data (no eligible events in its window), so platform deploys cannot be judged against it. platform deploys fail open, so this is a warning",
		),
		fixtures.finding(
			"missing_budget", "healthcare", "stall", null, null,
			"stall budget of healthcare is missing from the budget data, and platform deploys require it. Check that the budget engine computes it. platform deploys fail open, so this is a warning",
		),
	]
}

test_success_fail_open_unknown_vertical_warns if {
	result := _decide({"type": "prompt", "vertical": "dental"}, _fail_open_doc(fixtures.budget_doc, "prompt"))

	result.allow == true
	[f.code | some f in result.warnings] == ["unknown_vertical"]
}

test_success_fail_open_missing_computed_at_warns if {
	doc := object.remove(_fail_open_doc(fixtures.budget_doc, "prompt"), ["computed_at_ns"])
	result := _decide(_prompt, doc)

	result.allow == true
	[f.code | some f in result.warnings] == ["stale_budgets"]
}

test_fail_fail_open_low_budget if {
	doc := _fail_open_doc(_quality_at(0.05), "prompt")
	result := gate.decide(_prompt, doc, fixtures.computed_at_ns + 3600000000000)

	result.allow == false
	[f.code | some f in result.violations] == ["budget_below_threshold"]
	[f.code | some f in result.escalations] == ["budget_escalation"]
	[f.code | some f in result.warnings] == ["stale_budgets"]
}

test_fail_fail_open_missing_vertical if {
	result := _decide({"type": "prompt"}, _fail_open_doc(fixtures.budget_doc, "prompt"))

	result.allow == false
	[f.code | some f in result.violations] == ["missing_vertical"]
}

test_fail_fail_open_other_type if {
	doc := _fail_open_doc(fixtures.budget_doc, "platform")

	_decide({"type": "prompt", "vertical": "dental"}, doc).allow == false
}

# Break-glass override

test_success_break_glass_keeps_violations if {
	deploy := object.union(_prompt, {"break_glass": "rollback of a bad prompt, incident 42"})
	result := _decide(deploy, _quality_at(0.05))

	result.allow == true
	result.break_glass == "rollback of a bad prompt, incident 42"
	[f.code | some f in result.violations] == ["budget_below_threshold"]
	[f.code | some f in result.escalations] == ["budget_escalation"]
	result.warnings == [fixtures.finding(
		"break_glass", "healthcare", null, null, null,
		"break-glass override in effect with reason \"rollback of a bad prompt, incident 42\", so violations are listed but do not block this deploy",
	)]
}

test_success_break_glass_overrides_input_problems if {
	result := _decide({"break_glass": "cluster is down"}, fixtures.budget_doc)

	result.allow == true
	[f.code | some f in result.violations] == ["missing_deploy_type", "missing_vertical"]
}

test_success_break_glass_always_warns if {
	result := _decide(object.union(_prompt, {"break_glass": "planned drill"}), fixtures.budget_doc)

	result.allow == true
	[f.code | some f in result.warnings] == ["break_glass"]
}

test_fail_break_glass_with_empty_reason if {
	deploy := object.union(_prompt, {"break_glass": ""})
	result := _decide(deploy, _quality_at(0.05))

	result.allow == false
	result.break_glass == null
	result.warnings == []
	result.violations == [
		fixtures.finding(
			"empty_break_glass_reason", "healthcare", null, null, null,
			"break-glass override has an empty reason and does not apply, so give the reason for the override as its value",
		),
		fixtures.finding(
			"budget_below_threshold", "healthcare", "quality", 0.05, 0.25,
			"quality budget of healthcare has 5.0% remaining, below the 25.0% required for prompt deploys",
		),
	]
}

test_fail_break_glass_invalid_reason if {
	every reason in ["   ", true, 1, {"reason": "x"}] {
		result := _decide(object.union(_prompt, {"break_glass": reason}), fixtures.budget_doc)
		result.allow == false
		[f.code | some f in result.violations] == ["empty_break_glass_reason"]
	}
}

test_success_break_glass_null_is_no_override if {
	result := _decide(object.union(_prompt, {"break_glass": null}), fixtures.budget_doc)

	result.allow == true
	result.break_glass == null
	result.violations == []
	result.warnings == []
}

# Recovery and burn-rate alerts

test_fail_below_block_says_when_it_recovers if {
	entry := object.union(fixtures.budget(0.18), {"recovers_at_ns": fixtures.now_ns + 9000000000000})
	result := _decide(_prompt, fixtures.doc_with_budget("healthcare", "quality", entry))

	result.allow == false
	result.violations == [fixtures.finding(
		"budget_below_threshold", "healthcare", "quality", 0.18, 0.25,
		"quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys. If no new errors arrive, it climbs back above 25.0% in about 2.5 hours as old errors leave the window",
	)]
}

test_fail_distant_recovery_is_in_days if {
	entry := object.union(fixtures.budget(0.18), {"recovers_at_ns": fixtures.now_ns + 601200000000000})
	result := _decide(_prompt, fixtures.doc_with_budget("healthcare", "quality", entry))

	[finding.message | some finding in result.violations] == ["quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys. If no new errors arrive, it climbs back above 25.0% in about 7.0 days as old errors leave the window"]
}

test_fail_recovery_in_the_past_is_not_mentioned if {
	entry := object.union(fixtures.budget(0.18), {"recovers_at_ns": fixtures.now_ns - 1})
	result := _decide(_prompt, fixtures.doc_with_budget("healthcare", "quality", entry))

	[finding.message | some finding in result.violations] == ["quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys"]
}

test_success_page_alert_warns if {
	entry := object.union(fixtures.budget(0.8), {"alert": "page"})
	result := _decide(_prompt, fixtures.doc_with_budget("healthcare", "quality", entry))

	result.allow == true
	result.warnings == [fixtures.finding(
		"burn_rate_alert", "healthcare", "quality", 0.8, null,
		"quality budget of healthcare has a page-level burn-rate alert firing with 80.0% remaining, so this prompt deploy lands while the budget burns fast",
	)]
}

test_success_ticket_alert_is_quiet if {
	entry := object.union(fixtures.budget(0.8), {"alert": "ticket"})
	result := _decide(_prompt, fixtures.doc_with_budget("healthcare", "quality", entry))

	result.warnings == []
}
