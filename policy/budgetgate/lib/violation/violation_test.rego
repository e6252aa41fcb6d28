package budgetgate.lib.violation_test

import data.budgetgate.lib.violation

test_violation_fills_missing_fields_with_null if {
	violation.violation("missing_vertical", {}, "deploy has no vertical") == {
		"code": "missing_vertical",
		"vertical": null,
		"budget": null,
		"remaining": null,
		"threshold": null,
		"message": "deploy has no vertical",
	}
}

test_violation_keeps_given_fields if {
	fields := {"vertical": "healthcare", "budget": "quality", "remaining": 0.18, "threshold": 0.25}
	violation.violation("budget_below_threshold", fields, "low") == {
		"code": "budget_below_threshold",
		"vertical": "healthcare",
		"budget": "quality",
		"remaining": 0.18,
		"threshold": 0.25,
		"message": "low",
	}
}

test_violation_ignores_other_keys if {
	finding := violation.violation("no_data", {"vertical": "healthcare", "budget": "quality", "service": "voice-agent"}, "m")
	finding == {
		"code": "no_data",
		"vertical": "healthcare",
		"budget": "quality",
		"remaining": null,
		"threshold": null,
		"message": "m",
	}
}

test_violation_copies_a_finding if {
	original := violation.violation("no_data", {"vertical": "healthcare", "budget": "quality"}, "first")
	violation.violation(original.code, original, "second") == object.union(original, {"message": "second"})
}

test_ordered_by_budget_then_code_then_message if {
	stall := violation.violation("budget_below_threshold", {"budget": "stall"}, "s")
	availability := violation.violation("no_data", {"budget": "availability"}, "a")
	stale := violation.violation("stale_budgets", {}, "old")
	missing_type := violation.violation("missing_deploy_type", {}, "z")
	missing_vertical := violation.violation("missing_vertical", {}, "a")

	violation.ordered({stall, availability, stale, missing_type, missing_vertical}) == [
		missing_type,
		missing_vertical,
		stale,
		availability,
		stall,
	]
}

test_ordered_empty if {
	violation.ordered(set()) == []
}
