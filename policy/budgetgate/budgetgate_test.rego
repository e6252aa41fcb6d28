package budgetgate_test

import data.budgetgate
import data.budgetgate.fixtures_test as fixtures

_prompt := {"type": "prompt", "vertical": "healthcare", "service": "voice-agent"}

# Evaluates the decision entrypoint with doc as the budget data.
_decision(input_document, doc, now_ns) := result if {
	result := budgetgate.decision with input as input_document
		with data.budgetgate.revision as doc.revision
		with data.budgetgate.computed_at_ns as doc.computed_at_ns
		with data.budgetgate.config as doc.config
		with data.budgetgate.verticals as doc.verticals
		with time.now_ns as now_ns
}

test_success_decision_for_healthy_budget if {
	_decision({"deploy": _prompt}, fixtures.budget_doc, fixtures.now_ns) == {
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

test_fail_decision_for_low_budget if {
	doc := fixtures.doc_with_budget("healthcare", "quality", fixtures.budget(0.18))
	result := _decision({"deploy": _prompt}, doc, fixtures.now_ns)

	result.allow == false
	result.violations == [fixtures.finding(
		"budget_below_threshold", "healthcare", "quality", 0.18, 0.25,
		"quality budget of healthcare has 18.0% remaining, below the 25.0% required for prompt deploys",
	)]
}

test_fail_decision_uses_time_now_ns if {
	result := _decision({"deploy": _prompt}, fixtures.budget_doc, fixtures.computed_at_ns + 3600000000000)

	result.allow == false
	[f.code | some f in result.violations] == ["stale_budgets"]
}

test_success_decision_with_break_glass if {
	deploy := object.union(_prompt, {"break_glass": "incident 42"})
	doc := fixtures.doc_with_budget("healthcare", "quality", fixtures.budget(0.18))
	result := _decision({"deploy": deploy}, doc, fixtures.now_ns)

	result.allow == true
	result.break_glass == "incident 42"
	result.deploy == deploy
}

test_fail_input_without_deploy if {
	result := _decision({}, fixtures.budget_doc, fixtures.now_ns)

	result.allow == false
	result.deploy == {}
	[f.code | some f in result.violations] == ["missing_deploy_type", "missing_vertical"]
}

test_fail_deploy_that_is_not_an_object if {
	result := _decision({"deploy": "prompt"}, fixtures.budget_doc, fixtures.now_ns)

	result.allow == false
	result.deploy == {}
}

test_fail_without_input if {
	result := budgetgate.decision with time.now_ns as fixtures.now_ns

	result.allow == false
}

test_fail_without_budget_data if {
	result := budgetgate.decision with input as {"deploy": _prompt} with time.now_ns as fixtures.now_ns

	result.allow == false
	result.revision == null
	[f.code | some f in result.violations] == ["stale_budgets", "unknown_deploy_type", "unknown_vertical"]
}

test_budget_data_only_published_keys if {
	budgetgate.budget_data == fixtures.budget_doc with data.budgetgate.revision as fixtures.budget_doc.revision
		with data.budgetgate.computed_at_ns as fixtures.budget_doc.computed_at_ns
		with data.budgetgate.config as fixtures.budget_doc.config
		with data.budgetgate.verticals as fixtures.budget_doc.verticals
}

test_budget_data_without_data_is_empty if {
	budgetgate.budget_data == {}
}
